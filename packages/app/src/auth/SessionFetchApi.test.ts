import { createCredentialsFetch, SessionFetchApi } from './SessionFetchApi';

const ORIGIN = 'http://localhost';

type Call = { url: string; method: string; headers: Headers; credentials?: RequestCredentials; body?: string };

/** A fetch that records calls and answers with the statuses given in order (then the last one forever). */
function recordingFetch(statuses: number[]) {
  const calls: Call[] = [];
  const fn: typeof fetch = async (input, init) => {
    const request = input instanceof Request ? input : undefined;
    const body = init?.body ?? (request ? await request.text() : undefined);
    calls.push({
      url: request ? request.url : String(input),
      method: (init?.method ?? request?.method ?? 'GET').toUpperCase(),
      headers: new Headers(init?.headers),
      credentials: init?.credentials,
      body: typeof body === 'string' ? body : undefined,
    });
    const status = statuses[Math.min(calls.length - 1, statuses.length - 1)];
    return new Response(status === 204 ? null : JSON.stringify({ status }), { status });
  };
  return { fn, calls };
}

describe('createCredentialsFetch', () => {
  const cookies = () => 'theme=dark; portico_csrf=abc%3D123; other=1';

  it('sends the session cookie and echoes the CSRF cookie on mutating requests only', async () => {
    const { fn, calls } = recordingFetch([200]);
    const f = createCredentialsFetch({ baseFetch: fn, origins: [ORIGIN], cookies });
    await f(`${ORIGIN}/api/catalog/entities`);
    await f(`${ORIGIN}/api/catalog/locations`, { method: 'post', body: '{}' });
    await f(new Request(`${ORIGIN}/api/catalog/entities/uid/1`, { method: 'DELETE' }));
    expect(calls.map(c => [c.method, c.credentials, c.headers.get('x-csrf-token')])).toEqual([
      ['GET', 'same-origin', null],
      ['POST', 'same-origin', 'abc=123'],
      ['DELETE', 'same-origin', 'abc=123'],
    ]);
  });

  it('keeps a CSRF header the caller set and sends nothing to other origins', async () => {
    const { fn, calls } = recordingFetch([200]);
    const f = createCredentialsFetch({ baseFetch: fn, origins: [ORIGIN], cookies });
    await f(`${ORIGIN}/api/x`, { method: 'PUT', headers: { 'x-csrf-token': 'mine' } });
    await f('https://evil.example/steal', { method: 'POST' });
    expect(calls[0].headers.get('x-csrf-token')).toBe('mine');
    expect(calls[1].headers.get('x-csrf-token')).toBeNull();
    expect(calls[1].credentials).toBeUndefined();
  });

  it('sends no CSRF header when there is no CSRF cookie', async () => {
    const { fn, calls } = recordingFetch([200]);
    await createCredentialsFetch({ baseFetch: fn, origins: [ORIGIN], cookies: () => '' })(`${ORIGIN}/api/x`, { method: 'POST' });
    expect(calls[0].headers.has('x-csrf-token')).toBe(false);
  });
});

describe('SessionFetchApi', () => {
  function setup(statuses: number[], refreshed = true) {
    const { fn, calls } = recordingFetch(statuses);
    const refresh = jest.fn(async () => refreshed);
    const onSessionExpired = jest.fn();
    const api = new SessionFetchApi({
      baseFetch: fn,
      origins: [ORIGIN],
      cookies: () => 'portico_csrf=t1',
      refresh,
      onSessionExpired,
      isRefreshRequest: url => url.endsWith('/api/auth/refresh'),
    });
    return { api, calls, refresh, onSessionExpired };
  }

  it('on a 401 refreshes the session once and retries the request with its body', async () => {
    const { api, calls, refresh, onSessionExpired } = setup([401, 200]);
    const response = await api.fetch(`${ORIGIN}/api/scorecards/exemptions`, { method: 'POST', body: '{"a":1}' });
    expect(response.status).toBe(200);
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(onSessionExpired).not.toHaveBeenCalled();
    expect(calls.map(c => [c.method, c.body, c.headers.get('x-csrf-token')])).toEqual([
      ['POST', '{"a":1}', 't1'],
      ['POST', '{"a":1}', 't1'],
    ]);
  });

  it('retries a Request object whose body was already read', async () => {
    const { api, calls } = setup([401, 200]);
    const response = await api.fetch(new Request(`${ORIGIN}/api/x`, { method: 'POST', body: 'payload' }));
    expect(response.status).toBe(200);
    expect(calls.map(c => c.body)).toEqual(['payload', 'payload']);
  });

  it('gives up when the refresh fails: the app is told the session expired and the caller gets the 401', async () => {
    const { api, calls, onSessionExpired } = setup([401], false);
    const response = await api.fetch(`${ORIGIN}/api/catalog/entities`);
    expect(response.status).toBe(401);
    expect(calls).toHaveLength(1);
    expect(onSessionExpired).toHaveBeenCalledTimes(1);
  });

  it('gives up when the retry is refused again', async () => {
    const { api, calls, refresh, onSessionExpired } = setup([401, 401]);
    expect((await api.fetch(`${ORIGIN}/api/catalog/entities`)).status).toBe(401);
    expect(calls).toHaveLength(2);
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(onSessionExpired).toHaveBeenCalledTimes(1);
  });

  it('shares one refresh among requests refused at the same time', async () => {
    const { api, refresh } = setup([401, 401, 200]);
    await Promise.all([api.fetch(`${ORIGIN}/api/a`), api.fetch(`${ORIGIN}/api/b`)]);
    expect(refresh).toHaveBeenCalledTimes(1);
  });

  it('never refreshes for the refresh call itself, nor for other statuses', async () => {
    const { api, refresh } = setup([401]);
    expect((await api.fetch(`${ORIGIN}/api/auth/refresh`, { method: 'POST' })).status).toBe(401);
    const forbidden = setup([403]);
    expect((await forbidden.api.fetch(`${ORIGIN}/api/x`)).status).toBe(403);
    expect(refresh).not.toHaveBeenCalled();
    expect(forbidden.refresh).not.toHaveBeenCalled();
  });
});
