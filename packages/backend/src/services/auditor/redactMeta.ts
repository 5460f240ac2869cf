import type { JsonObject, JsonValue } from '@portico/types';

/** Keys whose values never reach the audit log. */
const SECRET_KEY = /(token|secret|passw(or)?d|authori[sz]ation|cookie|api[-_]?key|private[-_]?key|credential|session|signature|csrf)/i;
const MAX_DEPTH = 8;
const MAX_STRING = 2_000;
export const REDACTED = '[REDACTED]';

function redactValue(value: JsonValue, depth: number): JsonValue {
  if (typeof value === 'string') return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…` : value;
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[TRUNCATED]';
  if (Array.isArray(value)) return value.map(v => redactValue(v, depth + 1));
  return redactObject(value, depth + 1);
}

function redactObject(meta: JsonObject, depth: number): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(meta)) {
    if (value === undefined) continue;
    out[key] = SECRET_KEY.test(key) ? REDACTED : redactValue(value, depth);
  }
  return out;
}

/** A copy of `meta` with every value under a secret-looking key (at any depth) replaced by `[REDACTED]`. */
export function redactMeta(meta: JsonObject): JsonObject {
  return redactObject(meta, 0);
}
