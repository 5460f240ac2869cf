/** The cookie the backend sets for double-submit CSRF protection (readable by scripts, unlike the session cookie). */
export const CSRF_COOKIE = 'portico_csrf';
/** The header a cookie-authenticated mutating request must echo the CSRF cookie in. */
export const CSRF_HEADER = 'x-csrf-token';

/** The value of cookie `name` in a `document.cookie` string, or undefined. */
export function readCookie(name: string, cookies: string): string | undefined {
  for (const part of cookies.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}
