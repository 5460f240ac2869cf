import type { TestBackend } from '@portico/test-utils';
import { CookieJar } from './OidcTestProvider';

/**
 * A browser against a test backend's auth plugin: keeps cookies, and echoes the CSRF cookie on POST and DELETE
 * unless told not to (`csrf: false`); `bearer` sends a token instead of (or besides) the cookies.
 */
export function portalBrowser(backend: TestBackend) {
  const jar = new CookieJar();
  async function call(
    method: string,
    path: string,
    options: { csrf?: boolean; body?: unknown; bearer?: string; cookies?: boolean } = {},
  ) {
    const csrf = jar.get('portico_csrf');
    const res = await fetch(`${backend.url}/api/auth${path}`, {
      method,
      headers: {
        ...(options.cookies !== false && jar.header() ? { cookie: jar.header() } : {}),
        ...(options.csrf !== false && csrf && method !== 'GET' ? { 'x-csrf-token': csrf } : {}),
        ...(options.body ? { 'content-type': 'application/json' } : {}),
        ...(options.bearer ? { authorization: `Bearer ${options.bearer}` } : {}),
      },
      body: options.body ? JSON.stringify(options.body) : undefined,
    });
    jar.store(res);
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }
  return { jar, call };
}
