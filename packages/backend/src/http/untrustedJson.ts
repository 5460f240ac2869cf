/** Keys that change or reach an object's prototype when code assigns them, so no request may carry them. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Whether JSON text nests arrays and objects deeper than `maxDepth`, found by one loop over the text
 * (brackets inside strings do not count), so measuring a hostile body cannot itself overflow the stack.
 * UTF-8 can be scanned as bytes: no byte of a multi-byte character is an ASCII bracket or quote.
 */
export function jsonNestingExceeds(text: Uint8Array | string, maxDepth: number): boolean {
  const codeAt = typeof text === 'string' ? (i: number) => text.charCodeAt(i) : (i: number) => text[i];
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = codeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > maxDepth) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}

/** Whether the raw text could hold a forbidden key at all: written out, or spelled with `\u` escapes. */
function mayHoldForbiddenKey(raw: Uint8Array | string): boolean {
  const text = typeof raw === 'string' ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  return text.includes('__proto__') || text.includes('constructor') || text.includes('prototype') || text.includes('\\u');
}

/**
 * The first `__proto__`, `constructor` or `prototype` key in a parsed JSON value, with its dotted path
 * (`spec.links.0.__proto__`). Walks with an explicit stack; skipped when the raw text cannot contain one.
 */
export function findForbiddenKey(value: unknown, raw?: Uint8Array | string): { key: string; path: string } | undefined {
  if (raw !== undefined && !mayHoldForbiddenKey(raw)) return undefined;
  const stack: Array<{ value: unknown; path: string[] }> = [{ value, path: [] }];
  while (stack.length > 0) {
    const { value: current, path } = stack.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    for (const key of Object.keys(current)) {
      const keyPath = [...path, key];
      if (FORBIDDEN_KEYS.has(key)) return { key, path: keyPath.join('.') };
      stack.push({ value: (current as Record<string, unknown>)[key], path: keyPath });
    }
  }
  return undefined;
}
