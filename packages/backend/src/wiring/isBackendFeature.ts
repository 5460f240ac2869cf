import type { BackendFeature } from '@portico/backend-plugin-api';

/** True for anything `backend.add()` accepts: a plugin, a module or a service factory. */
export function isBackendFeature(value: unknown): value is BackendFeature {
  return typeof value === 'object' && value !== null && (value as { $$type?: unknown }).$$type === '@portico/BackendFeature';
}
