import type { Knex } from 'knex';

/** Selects rows whose `column` is one of `values`, in chunks that fit any engine's parameter limit. */
export async function selectWhereIn<T>(
  knex: Knex | Knex.Transaction,
  table: string,
  columns: string[],
  column: string,
  values: string[],
): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < values.length; i += 500) {
    const rows = await knex(table).select(columns).whereIn(column, values.slice(i, i + 500));
    out.push(...(rows as T[]));
  }
  return out;
}
