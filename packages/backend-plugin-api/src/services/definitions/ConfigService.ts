import type { JsonValue } from '@portico/types';
import type { ZodType } from 'zod';

export type { JsonPrimitive, JsonValue } from '@portico/types';

/**
 * Read access to the merged app-config. Keys are dot paths (`backend.listen.port`).
 * Getters throw a ConfigError naming the path when a required value is missing or of the wrong type.
 */
export interface ConfigService {
  has(key: string): boolean;
  keys(): string[];
  /** The value at `key` (or the whole config when key is omitted); throws if missing. */
  get<T = JsonValue>(key?: string): T;
  getOptional<T = JsonValue>(key?: string): T | undefined;
  getString(key: string): string;
  getOptionalString(key: string): string | undefined;
  getNumber(key: string): number;
  getOptionalNumber(key: string): number | undefined;
  getBoolean(key: string): boolean;
  getOptionalBoolean(key: string): boolean | undefined;
  getStringArray(key: string): string[];
  getOptionalStringArray(key: string): string[] | undefined;
  getConfig(key: string): ConfigService;
  getOptionalConfig(key: string): ConfigService | undefined;
  getConfigArray(key: string): ConfigService[];
  getOptionalConfigArray(key: string): ConfigService[] | undefined;
  /** Validates the value at `key` with a zod schema and returns the parsed value; a failure names the path. */
  parse<T>(key: string, schema: ZodType<T>): T;
}
