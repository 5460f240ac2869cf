import type { JsonObject, JsonValue, TemplateOutput, TemplateStep } from './TemplateEntity';

/**
 * `open`: waiting for a worker; `processing`: claimed by a worker; `waiting`: paused on an approval
 * or an input request; then `completed`, `failed` or `cancelled`.
 */
export type TaskStatus = 'open' | 'processing' | 'waiting' | 'completed' | 'failed' | 'cancelled';

export type StepStatus = 'open' | 'processing' | 'waiting' | 'completed' | 'failed' | 'skipped' | 'cancelled';

/** What a run executes: the template's steps with the values the user entered. */
export interface TaskSpec {
  apiVersion: 'scaffolder.backstage.io/v1beta3';
  steps: TemplateStep[];
  output: TemplateOutput;
  parameters: JsonObject;
  user: { ref?: string; entity?: JsonObject };
  templateInfo?: {
    entityRef: string;
    /** Where the template was read from; relative skeleton paths resolve against it. */
    baseUrl?: string;
    entity?: { metadata: JsonObject };
  };
}

export interface SerializedTaskStep {
  id: string;
  name?: string;
  action: string;
  status: StepStatus;
  startedAt?: string;
  endedAt?: string;
  output?: JsonObject;
  error?: string;
  /** Set while the step waits for a person. */
  waitingFor?: HumanTaskRequest;
}

export interface SerializedTask {
  id: string;
  spec: TaskSpec;
  status: TaskStatus;
  createdAt: string;
  createdBy?: string;
  lastHeartbeatAt?: string;
  templateRef?: string;
  output?: JsonObject;
  error?: string;
  dryRun?: boolean;
  steps?: SerializedTaskStep[];
}

/** Backstage's event types, plus `step` (a step changed status) and `waiting`. */
export type TaskEventType = 'log' | 'step' | 'completion' | 'cancelled' | 'recovered' | 'waiting';

export interface SerializedTaskEvent {
  id: number;
  taskId: string;
  type: TaskEventType;
  createdAt: string;
  body: {
    message: string;
    stepId?: string;
    status?: TaskStatus | StepStatus;
    level?: 'debug' | 'info' | 'warn' | 'error';
    output?: JsonValue;
    error?: { name: string; message: string };
  };
}

/** A pause in a run for a person: an approval or a form to fill. */
export interface HumanTaskRequest {
  kind: 'approval' | 'input';
  title: string;
  description?: string;
  /** User and group entity refs allowed to answer. */
  assignees: string[];
  /** For `input`: the JSON Schema of the form. */
  schema?: JsonObject;
  /** ISO timestamp after which the step fails. */
  expiresAt?: string;
}

/** How a person answered a request. */
export interface HumanTaskResolution {
  decision: 'approved' | 'rejected' | 'submitted';
  by: string;
  at: string;
  comment?: string;
  values?: JsonObject;
}

/** One entry of `GET /v2/inbox`. */
export interface InboxItem {
  taskId: string;
  stepId: string;
  templateRef?: string;
  createdBy?: string;
  request: HumanTaskRequest;
  waitingSince: string;
}
