import fs from 'fs';
import path from 'path';
import { UrlDiscoveryApi } from '../apis/UrlDiscoveryApi';
import { createAuthApis } from './createAuthApis';

/** The `<link rel="preload" as="fetch">` hrefs of the app's index.html, with their crossorigin attribute. */
function preloads(): Map<string, string | undefined> {
  const html = fs.readFileSync(path.join(__dirname, '../../index.html'), 'utf8');
  const links = [...html.matchAll(/<link\b[^>]*rel="preload"[^>]*>/g)].map(m => m[0]);
  return new Map(
    links.filter(l => /as="fetch"/.test(l)).map(l => [/href="([^"]+)"/.exec(l)![1], /crossorigin="([^"]*)"/.exec(l)?.[1]]),
  );
}

describe('the session check starts with the page, not after the scripts', () => {
  it('index.html preloads GET /api/auth/me exactly as the session check asks for it, so the browser reuses the answer', async () => {
    const calls: { url: string; method: string; credentials?: RequestCredentials }[] = [];
    const baseFetch: typeof fetch = async (input, init) => {
      calls.push({ url: String(input), method: init?.method ?? 'GET', credentials: init?.credentials });
      return new Response(JSON.stringify({ userEntityRef: 'user:default/guest' }), { status: 200 });
    };
    const { session } = createAuthApis({ discoveryApi: UrlDiscoveryApi.fromConfig(), baseFetch });
    await session.start();
    expect(session.getState().status).toBe('signed-in');
    // a reload with a live session: one request, the one the page preloaded (the origin outside a browser is localhost)
    expect(calls).toEqual([{ url: 'http://localhost/api/auth/me', method: 'GET', credentials: 'same-origin' }]);
    // a same-origin fetch sends cookies with credentials 'same-origin', which is what crossorigin="anonymous" preloads with
    expect(preloads().get('/api/auth/me')).toBe('anonymous');
  });
});
