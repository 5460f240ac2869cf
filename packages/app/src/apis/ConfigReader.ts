import type { ConfigApi, JsonValue } from '@portico/frontend-plugin-api';

function isObject(value: JsonValue | undefined): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** ConfigApi over a plain JSON object (e.g. the body of `/app-config.json`). */
export class ConfigReader implements ConfigApi {
  constructor(
    private readonly data: JsonValue | undefined,
    private readonly prefix = '',
  ) {}

  get(): JsonValue | undefined {
    return this.data;
  }

  getOptional(key: string): JsonValue | undefined {
    let current: JsonValue | undefined = this.data;
    for (const part of key.split('.')) {
      if (!isObject(current)) return undefined;
      current = current[part];
    }
    return current;
  }

  has(key: string): boolean {
    return this.getOptional(key) !== undefined;
  }

  getString(key: string): string {
    const value = this.getOptionalString(key);
    if (value === undefined) throw new Error(`Missing required config value at '${this.fullKey(key)}'`);
    return value;
  }

  getOptionalString(key: string): string | undefined {
    return this.typed(key, 'string') as string | undefined;
  }

  getOptionalNumber(key: string): number | undefined {
    return this.typed(key, 'number') as number | undefined;
  }

  getOptionalBoolean(key: string): boolean | undefined {
    return this.typed(key, 'boolean') as boolean | undefined;
  }

  getOptionalConfigArray(key: string): ConfigApi[] | undefined {
    const value = this.getOptional(key);
    if (value === undefined) return undefined;
    if (!Array.isArray(value)) throw new Error(`Config value at '${this.fullKey(key)}' must be a list`);
    return value.map((item, i) => new ConfigReader(item, `${this.fullKey(key)}[${i}]`));
  }

  private typed(key: string, type: 'string' | 'number' | 'boolean'): JsonValue | undefined {
    const value = this.getOptional(key);
    if (value === undefined || value === null) return undefined;
    if (typeof value !== type) {
      throw new Error(`Config value at '${this.fullKey(key)}' must be a ${type}, got ${JSON.stringify(value)}`);
    }
    return value;
  }

  private fullKey(key: string): string {
    return this.prefix ? `${this.prefix}.${key}` : key;
  }
}
