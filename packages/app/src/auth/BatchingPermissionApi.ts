import { ResponseError } from '@portico/errors';
import type {
  AuthorizePermissionRequest,
  DiscoveryApi,
  FetchApi,
  PermissionApi,
} from '@portico/frontend-plugin-api';
import type { DefinitivePolicyDecision, EvaluatePermissionResponse } from '@portico/permission-common';

interface Pending {
  request: AuthorizePermissionRequest;
  promise: Promise<DefinitivePolicyDecision>;
  resolve(decision: DefinitivePolicyDecision): void;
  reject(error: unknown): void;
}

/**
 * PermissionApi that gathers the questions asked in one tick (one render's `usePermission` calls) and sends
 * them as one `POST /api/permission/authorize`; the same question twice in a batch is asked once.
 */
export class BatchingPermissionApi implements PermissionApi {
  private queue = new Map<string, Pending>();

  constructor(private readonly options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {}

  authorize(request: AuthorizePermissionRequest): Promise<DefinitivePolicyDecision> {
    const key = `${request.permission.type}:${request.permission.name}:${request.resourceRef ?? ''}`;
    const queued = this.queue.get(key);
    if (queued) return queued.promise;
    if (this.queue.size === 0) queueMicrotask(() => void this.flush());
    let resolve!: Pending['resolve'];
    let reject!: Pending['reject'];
    const promise = new Promise<DefinitivePolicyDecision>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    this.queue.set(key, { request, promise, resolve, reject });
    return promise;
  }

  private async flush(): Promise<void> {
    const batch = [...this.queue.values()];
    this.queue = new Map();
    try {
      const base = await this.options.discoveryApi.getBaseUrl('permission');
      const response = await this.options.fetchApi.fetch(`${base}/authorize`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          items: batch.map((pending, i) => ({
            id: String(i),
            permission: pending.request.permission,
            ...(pending.request.resourceRef === undefined ? {} : { resourceRef: pending.request.resourceRef }),
          })),
        }),
      });
      if (!response.ok) throw await ResponseError.fromResponse(response);
      const { items } = (await response.json()) as { items: EvaluatePermissionResponse[] };
      const byId = new Map(items.map(item => [item.id, item]));
      batch.forEach((pending, i) => {
        const item = byId.get(String(i));
        if (!item) pending.reject(new Error(`The permission backend gave no answer for ${pending.request.permission.name}`));
        else pending.resolve({ result: item.result, ...(item.reason ? { reason: item.reason } : {}) });
      });
    } catch (error) {
      for (const pending of batch) pending.reject(error);
    }
  }
}
