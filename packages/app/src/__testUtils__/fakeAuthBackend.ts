/** The signed-in user the fake answers `/api/auth/me` with. */
export interface FakeUser {
  userEntityRef: string;
  ownershipEntityRefs?: string[];
  profile?: { displayName?: string; email?: string; picture?: string };
}

export interface FakeAuthBackendOptions {
  /** Who is signed in at the start (nobody by default). */
  user?: FakeUser;
  /** What `/api/auth/providers` lists. Default: guest only. */
  providers?: Array<{ id: string; title: string }>;
  /** Whether `/api/auth/refresh` renews the session (as `refreshAs`, or the user before it expired). */
  refreshAs?: FakeUser;
  /** Answers for `POST /api/permission/authorize` (ALLOW when it returns nothing). */
  decide?: (item: { permission: { name: string }; resourceRef?: string }) => { result: 'ALLOW' | 'DENY'; reason?: string } | undefined;
  /** Any other `/api/...` request. */
  other?: (method: string, path: string, body: unknown) => { status: number; body?: unknown } | undefined;
}

export interface FakeCall {
  method: string;
  path: string;
  headers: Record<string, string>;
  credentials?: string;
  body?: unknown;
}

function fakeResponse(status: number, body?: unknown) {
  const text = body === undefined ? '' : JSON.stringify(body);
  return {
    status,
    ok: status >= 200 && status < 300,
    statusText: String(status),
    headers: { get: (name: string) => (name.toLowerCase() === 'content-type' ? 'application/json' : null) },
    json: async () => JSON.parse(text),
    text: async () => text,
  } as unknown as Response;
}

/**
 * A stand-in for the portal's auth and permission routes, installed as the global fetch (jsdom has none):
 * a session the test can end (`expire()`), guest sign-in, sign-out, refresh, personal tokens and decisions.
 * Every call is recorded with its method, path, headers and JSON body.
 */
export function installFakeAuthBackend(options: FakeAuthBackendOptions = {}) {
  let user = options.user;
  const calls: FakeCall[] = [];
  const tokens: Array<{ id: string; name: string; createdAt: string; expiresAt?: string }> = [];
  const guest: FakeUser = { userEntityRef: 'user:default/guest', profile: { displayName: 'Guest' } };

  const handle = (method: string, path: string, body: unknown): { status: number; body?: unknown } => {
    if (path === '/api/auth/me' && method === 'GET') {
      if (!user) return { status: 401, body: { error: { name: 'AuthenticationError', message: 'Missing credentials' } } };
      return { status: 200, body: { ownershipEntityRefs: [user.userEntityRef], profile: {}, ...user } };
    }
    if (path === '/api/auth/providers') return { status: 200, body: { providers: options.providers ?? [{ id: 'guest', title: 'Guest' }] } };
    if (path === '/api/auth/guest/sign-in' && method === 'POST') {
      user = guest;
      return { status: 200, body: { userEntityRef: guest.userEntityRef } };
    }
    if (path === '/api/auth/sign-out' && method === 'POST') {
      user = undefined;
      return { status: 204 };
    }
    if (path === '/api/auth/refresh' && method === 'POST') {
      if (!options.refreshAs) return { status: 401, body: { error: { name: 'AuthenticationError', message: 'No session' } } };
      user = options.refreshAs;
      return { status: 200, body: {} };
    }
    if (!user) return { status: 401, body: { error: { name: 'AuthenticationError', message: 'Token expired' } } };
    if (path === '/api/auth/tokens' && method === 'GET') return { status: 200, body: { items: tokens } };
    if (path === '/api/auth/tokens' && method === 'POST') {
      const { name, expiresAt } = body as { name: string; expiresAt?: string };
      const id = `t${tokens.length + 1}`;
      tokens.push({ id, name, createdAt: '2026-01-01T00:00:00.000Z', expiresAt });
      return { status: 201, body: { id, name, expiresAt, token: `pat_${id}_s3cret` } };
    }
    const revoke = /^\/api\/auth\/tokens\/([^/]+)$/.exec(path);
    if (revoke && method === 'DELETE') {
      const index = tokens.findIndex(t => t.id === decodeURIComponent(revoke[1]));
      if (index < 0) return { status: 404 };
      tokens.splice(index, 1);
      return { status: 204 };
    }
    if (path === '/api/permission/authorize' && method === 'POST') {
      const { items } = body as { items: Array<{ id: string; permission: { name: string }; resourceRef?: string }> };
      return { status: 200, body: { items: items.map(item => ({ id: item.id, ...(options.decide?.(item) ?? { result: 'ALLOW' }) })) } };
    }
    return options.other?.(method, path, body) ?? { status: 404, body: { error: { name: 'NotFoundError', message: `No route ${path}` } } };
  };

  const fetchMock = jest.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), 'http://localhost');
    const method = (init?.method ?? 'GET').toUpperCase();
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((value, key) => {
      headers[key] = value;
    });
    const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
    calls.push({ method, path: `${url.pathname}${url.search}`, headers, credentials: init?.credentials, body });
    const answer = handle(method, url.pathname, body);
    return fakeResponse(answer.status, answer.body);
  });
  const original = globalThis.fetch;
  globalThis.fetch = fetchMock as unknown as typeof fetch;

  return {
    calls,
    tokens,
    /** Ends the session as the backend sees it (the next call answers 401). */
    expire() {
      user = undefined;
    },
    signIn(next: FakeUser) {
      user = next;
    },
    restore() {
      globalThis.fetch = original;
    },
  };
}
