import { createApiRef } from '@portico/frontend-plugin-api';
import type {
  ActionDescription,
  InboxItem,
  JsonObject,
  SerializedTask,
  SerializedTaskEvent,
  TaskStatus,
  TemplateParameterSchema,
} from '@portico/plugin-scaffolder-common';

/** What the wizard sends to start a run. */
export interface ScaffoldRequest {
  /** `template:<namespace>/<name>`. */
  templateRef: string;
  values: JsonObject;
  secrets?: Record<string, string>;
}

export interface ListTasksRequest {
  createdBy?: string;
  status?: TaskStatus[];
  limit?: number;
  offset?: number;
}

export interface ListTasksResponse {
  tasks: SerializedTask[];
  totalTasks: number;
}

/** A person's answer to an approval or an input request. */
export interface AnswerRequest {
  taskId: string;
  stepId: string;
  decision: 'approve' | 'reject' | 'submit';
  values?: JsonObject;
  comment?: string;
}

export interface StreamEventsOptions {
  taskId: string;
  /** Only events with an id greater than this (the server replays the rest first). */
  after?: number;
  onEvent(event: SerializedTaskEvent): void;
  /** The stream broke (the browser retries by itself until `completion`). */
  onError?(error: Error): void;
}

/** The scaffolder backend (`/api/scaffolder`), as the browser sees it. */
export interface ScaffolderApi {
  getTemplateParameterSchema(templateRef: string): Promise<TemplateParameterSchema>;
  /** `POST /v2/tasks`: starts a run and returns its id. */
  scaffold(request: ScaffoldRequest): Promise<{ taskId: string }>;
  getTask(taskId: string): Promise<SerializedTask>;
  listTasks(request?: ListTasksRequest): Promise<ListTasksResponse>;
  cancelTask(taskId: string): Promise<{ status: string }>;
  /** Reopens a failed or cancelled run; it resumes after its last completed step. */
  retryTask(taskId: string): Promise<{ taskId: string }>;
  /** Follows a run's events over server-sent events; returns a function that stops listening. */
  streamEvents(options: StreamEventsOptions): () => void;
  /** Approvals and input requests waiting for the current user. */
  getInbox(): Promise<InboxItem[]>;
  answer(request: AnswerRequest): Promise<{ status: string }>;
  listActions(): Promise<ActionDescription[]>;
}

/** `useApi(scaffolderApiRef)` in any plugin. */
export const scaffolderApiRef = createApiRef<ScaffolderApi>({ id: 'plugin.scaffolder.service' });
