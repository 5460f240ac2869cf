import type { JsonValue } from '@portico/types';
import { createApiRef } from '../system/ApiRef';

export type { JsonValue } from '@portico/types';

/**
 * The frontend-visible part of app-config (served by the backend at `/app-config.json`).
 * Keys are dotted paths: `config.getOptionalString('app.title')`.
 */
export interface ConfigApi {
  has(key: string): boolean;
  getOptional(key: string): JsonValue | undefined;
  getString(key: string): string;
  getOptionalString(key: string): string | undefined;
  getOptionalNumber(key: string): number | undefined;
  getOptionalBoolean(key: string): boolean | undefined;
  getOptionalConfigArray(key: string): ConfigApi[] | undefined;
  /** The raw value at the root of this reader. */
  get(): JsonValue | undefined;
}

export const configApiRef = createApiRef<ConfigApi>({ id: 'core.config' });
