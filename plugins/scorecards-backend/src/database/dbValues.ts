/** PostgreSQL returns bigint as string; SQLite as number. */
export function toMillis(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}

export function toIso(value: unknown): string {
  return new Date(toMillis(value)).toISOString();
}

export function optionalIso(value: unknown): string | undefined {
  return value === null || value === undefined ? undefined : toIso(value);
}

/** SQLite stores booleans as 0/1. */
export function toBool(value: unknown): boolean {
  return value === true || value === 1 || value === '1';
}

/** Splits rows so one statement stays under the engines' bound-parameter limits. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** knex inserts many rows on SQLite as one compound SELECT, which SQLite caps at 500 terms. */
export const MAX_ROWS_PER_INSERT = 400;
