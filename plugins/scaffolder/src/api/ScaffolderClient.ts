import { parseEntityRef } from '@portico/catalog-model';
import { createPluginHttpClient, type DiscoveryApi, type FetchApi, type PluginHttpClient } from '@portico/frontend-plugin-api';
import type {
  ActionDescription,
  InboxItem,
  SerializedTask,
  SerializedTaskEvent,
  TaskEventType,
  TemplateParameterSchema,
} from '@portico/plugin-scaffolder-common';
import type {
  AnswerRequest,
  ListTasksRequest,
  ListTasksResponse,
  ScaffoldRequest,
  ScaffolderApi,
  StreamEventsOptions,
} from './ScaffolderApi';

const EVENT_TYPES: TaskEventType[] = ['log', 'step', 'completion', 'cancelled', 'recovered', 'waiting'];

/** `EventSource.CLOSED`: the browser will not reconnect by itself. */
const EVENT_SOURCE_CLOSED = 2;
/** Reopenings of a closed event stream in a row, without an event between them, before the client gives up. */
const MAX_STREAM_RENEWALS = 3;

/** The fetch-based ScaffolderApi; events come through an EventSource. */
export class ScaffolderClient implements ScaffolderApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly http: PluginHttpClient;
  private readonly EventSourceImpl: typeof EventSource | undefined;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi?: FetchApi; EventSource?: typeof EventSource }) {
    this.discoveryApi = options.discoveryApi;
    this.http = createPluginHttpClient({ pluginId: 'scaffolder', discoveryApi: options.discoveryApi, fetchApi: options.fetchApi });
    this.EventSourceImpl = options.EventSource ?? globalThis.EventSource;
  }

  getTemplateParameterSchema(templateRef: string): Promise<TemplateParameterSchema> {
    const { kind, namespace, name } = parseEntityRef(templateRef.trim(), { defaultKind: 'template' });
    const path = [namespace, kind, name].map(encodeURIComponent).join('/');
    return this.http.request(`/v2/templates/${path}/parameter-schema`);
  }

  async scaffold(request: ScaffoldRequest): Promise<{ taskId: string }> {
    const { id } = await this.http.request<{ id: string }>('/v2/tasks', { method: 'POST', body: request });
    return { taskId: id };
  }

  getTask(taskId: string): Promise<SerializedTask> {
    return this.http.request(`/v2/tasks/${encodeURIComponent(taskId)}`);
  }

  listTasks(request: ListTasksRequest = {}): Promise<ListTasksResponse> {
    const query = new URLSearchParams();
    if (request.createdBy) query.set('createdBy', request.createdBy);
    if (request.status?.length) query.set('status', request.status.join(','));
    if (request.limit !== undefined) query.set('limit', String(request.limit));
    if (request.offset !== undefined) query.set('offset', String(request.offset));
    const qs = query.toString();
    return this.http.request(`/v2/tasks${qs ? `?${qs}` : ''}`);
  }

  cancelTask(taskId: string): Promise<{ status: string }> {
    return this.http.request(`/v2/tasks/${encodeURIComponent(taskId)}/cancel`, { method: 'POST', body: {} });
  }

  async retryTask(taskId: string): Promise<{ taskId: string }> {
    const { id } = await this.http.request<{ id: string }>(`/v2/tasks/${encodeURIComponent(taskId)}/retry`, { method: 'POST', body: {} });
    return { taskId: id };
  }

  streamEvents(options: StreamEventsOptions): () => void {
    const { taskId, after, onEvent, onError } = options;
    const Impl = this.EventSourceImpl;
    if (!Impl) {
      onError?.(new Error('This browser cannot follow a live log (no EventSource)'));
      return () => undefined;
    }
    let source: EventSource | undefined;
    let stopped = false;
    let lastId = after;
    let renewals = 0;
    const path = `/v2/tasks/${encodeURIComponent(taskId)}`;
    const open = (base: string) => {
      if (stopped) return;
      const query = lastId ? `?after=${lastId}` : '';
      source = new Impl(`${base}${path}/eventstream${query}`, { withCredentials: true });
      const current = source;
      for (const type of EVENT_TYPES) {
        current.addEventListener(type, message => {
          let event: SerializedTaskEvent;
          try {
            event = JSON.parse((message as MessageEvent<string>).data) as SerializedTaskEvent;
          } catch {
            return;
          }
          lastId = event.id;
          renewals = 0;
          onEvent(event);
          // the server ends the stream after `completion`; without this the browser would reconnect
          if (type === 'completion') current.close();
        });
      }
      current.onerror = () => {
        // CONNECTING: the browser reconnects by itself (a network blip).
        if (current.readyState !== EVENT_SOURCE_CLOSED) {
          onError?.(new Error('The live log was interrupted; reconnecting'));
          return;
        }
        // CLOSED: the browser gave up, typically a 401 once the session's access token expired. A request through
        // the fetchApi renews the session (it refreshes on 401), then the stream reopens after the last event seen.
        current.close();
        if (stopped) return;
        if (++renewals > MAX_STREAM_RENEWALS) {
          onError?.(new Error('The live log stopped; reload the page to follow it again'));
          return;
        }
        onError?.(new Error('The live log was interrupted; reconnecting'));
        this.http.request(path).then(
          () => open(base),
          (error: unknown) => onError?.(error instanceof Error ? error : new Error(String(error))),
        );
      };
    };
    void this.discoveryApi.getBaseUrl('scaffolder').then(open, (error: unknown) => onError?.(error instanceof Error ? error : new Error(String(error))));
    return () => {
      stopped = true;
      source?.close();
    };
  }

  async getInbox(): Promise<InboxItem[]> {
    const { items } = await this.http.request<{ items: InboxItem[] }>('/v2/inbox');
    return items;
  }

  answer(request: AnswerRequest): Promise<{ status: string }> {
    const { taskId, stepId, decision, values, comment } = request;
    return this.http.request(`/v2/tasks/${encodeURIComponent(taskId)}/steps/${encodeURIComponent(stepId)}/${decision}`, {
      method: 'POST',
      body: { values, comment },
    });
  }

  listActions(): Promise<ActionDescription[]> {
    return this.http.request('/v2/actions');
  }
}
