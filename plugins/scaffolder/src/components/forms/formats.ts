import { format } from '@cfworker/json-schema';

// The string formats rjsf's ajv validator knew (its own `color` and `data-url`, and ajv-formats' `iso-*` and `byte`)
// that @cfworker/json-schema lacks; the other ajv-formats string formats (date, email, uri...) it has already.
// Patterns from @rjsf/validator-ajv8 and ajv-formats (both MIT).
const COLOR =
  /^(#?([0-9A-Fa-f]{3}){1,2}\b|aqua|black|blue|fuchsia|gray|green|lime|maroon|navy|olive|orange|purple|red|silver|teal|white|yellow|(rgb\(\s*\b([0-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-5])\b\s*,\s*\b([0-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-5])\b\s*,\s*\b([0-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-5])\b\s*\))|(rgb\(\s*(\d?\d%|100%)+\s*,\s*(\d?\d%|100%)+\s*,\s*(\d?\d%|100%)+\s*\)))$/;
const DATA_URL = /^data:([a-z]+\/[a-z0-9-+.]+)?;(?:name=(.*);)?base64,(.*)$/;
const ISO_TIME = /^(?:[0-2]\d:[0-5]\d:[0-5]\d|23:59:60)(?:\.\d+)?(?:z|[+-]\d\d(?::?\d\d)?)?$/i;
const ISO_DATE_TIME = /^\d\d\d\d-[0-1]\d-[0-3]\d[t\s](?:[0-2]\d:[0-5]\d:[0-5]\d|23:59:60)(?:\.\d+)?(?:z|[+-]\d\d(?::?\d\d)?)?$/i;
const BYTE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const extraFormats: Record<string, (value: string) => boolean> = {
  color: value => COLOR.test(value),
  'data-url': value => DATA_URL.test(value),
  'iso-time': value => ISO_TIME.test(value),
  'iso-date-time': value => ISO_DATE_TIME.test(value),
  byte: value => BYTE.test(value),
};

let registered = false;

/**
 * Adds the formats above to @cfworker/json-schema's format table (the library has no per-validator formats;
 * it skips a format it does not know, as ajv does with `strict: false`). Idempotent; never replaces its own.
 */
export function registerExtraFormats(): void {
  if (registered) return;
  registered = true;
  for (const [name, test] of Object.entries(extraFormats)) {
    if (!Object.prototype.hasOwnProperty.call(format, name)) format[name] = test;
  }
}
