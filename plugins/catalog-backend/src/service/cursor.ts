import { InputError } from '@portico/errors';
import { z } from 'zod';
import type { ParsedEntityFilter, SortField } from '@portico/plugin-catalog-common';

/** Everything needed to continue a by-query listing; sent to clients as opaque base64url JSON. */
export interface QueryCursor {
  filter?: ParsedEntityFilter;
  fullText?: { term: string; fields?: string[] };
  order: SortField[];
  after: { values: string[]; ref: string };
  direction: 'next' | 'prev';
  totalItems?: number;
}

const conditionSchema = z.object({ key: z.string().max(200), values: z.array(z.string().max(1000)).max(1000).optional() });
const cursorSchema = z.object({
  filter: z.object({ anyOf: z.array(z.object({ allOf: z.array(conditionSchema).max(100) })).max(50) }).optional(),
  fullText: z.object({ term: z.string().max(200), fields: z.array(z.string().max(200)).max(50).optional() }).optional(),
  order: z.array(z.object({ field: z.string().max(200), order: z.enum(['asc', 'desc']) })).max(10),
  after: z.object({ values: z.array(z.string()).max(10), ref: z.string().max(1024) }),
  direction: z.enum(['next', 'prev']),
  totalItems: z.number().int().nonnegative().optional(),
});

export function encodeCursor(cursor: QueryCursor): string {
  return Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');
}

export function decodeCursor(value: string): QueryCursor {
  let parsed: unknown;
  try {
    if (value.length > 20_000) throw new Error('too long');
    parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch {
    throw new InputError('cursor: not a cursor returned by this API');
  }
  const result = cursorSchema.safeParse(parsed);
  if (!result.success) throw new InputError('cursor: not a cursor returned by this API');
  return result.data as QueryCursor;
}
