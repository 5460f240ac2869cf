import { InputError } from '@portico/errors';

const BASE = 'http://portico.invalid';

/**
 * The `redirect` of a sign-in, accepted only as a same-origin relative path (`/catalog?x=1`):
 * `//evil.com`, `https://evil.com`, `/\evil.com` and control characters are refused (400).
 */
export function safeRedirect(value: string | undefined): string {
  if (value === undefined || value === '') return '/';
  // Browsers treat `\` as `/` and drop tabs and newlines, so `/\evil.com` or `/\t/evil.com` would leave the origin.
  const hasControl = [...value].some(c => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
  if (!value.startsWith('/') || value.startsWith('//') || value.includes('\\') || hasControl) {
    throw new InputError('redirect must be a path of this portal, such as /catalog');
  }
  const url = new URL(value, BASE);
  if (url.origin !== BASE) throw new InputError('redirect must be a path of this portal, such as /catalog');
  return `${url.pathname}${url.search}${url.hash}`;
}
