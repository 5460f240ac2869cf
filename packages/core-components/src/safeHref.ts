/** Schemes a link built from data may use: anything else (`javascript:`, `data:`, `vbscript:`, `file:` ...) is refused. */
const SAFE_SCHEMES = new Set(['http:', 'https:', 'mailto:']);

/**
 * The URL itself when it is safe to put in an `href`: http(s), mailto, or relative (a path, `?query`,
 * `#fragment`); otherwise undefined, and the caller renders plain text. The scheme is read the way a browser
 * reads it (the URL parser strips tabs, newlines and leading control characters and spaces), so
 * `java\tscript:` or ` javascript:` are refused too.
 */
export function safeHref(url: unknown): string | undefined {
  if (typeof url !== 'string' || url.trim() === '') return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url, 'https://relative.invalid/');
  } catch {
    return undefined;
  }
  if (!SAFE_SCHEMES.has(parsed.protocol)) return undefined;
  return url;
}
