import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export interface OidcTestClient {
  client_id: string;
  client_secret: string;
  redirect_uris: string[];
  token_endpoint_auth_method?: string;
}

/**
 * A real OpenID provider (`oidc-provider` 9, which is ESM-only) in a child process on 127.0.0.1, with
 * its development login and consent pages. `clockOffsetSeconds` runs its clock behind or ahead.
 */
export class OidcTestProvider {
  private child?: ChildProcess;
  issuer = '';

  constructor(
    private readonly options: {
      clients: OidcTestClient[];
      accounts: Record<string, Record<string, unknown>>;
      clockOffsetSeconds?: number;
    },
  ) {}

  async start(): Promise<void> {
    const script = path.join(__dirname, 'oidcProviderProcess.mjs');
    const child = spawn(process.execPath, ['--no-warnings', script, JSON.stringify(this.options)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: __dirname,
    });
    this.child = child;
    let stderr = '';
    child.stderr?.on('data', chunk => {
      stderr += String(chunk);
    });
    this.issuer = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout?.on('data', chunk => {
        out += String(chunk);
        const line = out.split('\n').find(l => l.startsWith('{'));
        if (line) resolve((JSON.parse(line) as { issuer: string }).issuer);
      });
      child.on('exit', code => reject(new Error(`The OpenID provider exited (${code}): ${stderr}`)));
    });
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    await new Promise(resolve => {
      child.once('exit', resolve);
      child.kill('SIGTERM');
    });
  }
}

/** Cookies of one origin, enough for the provider's interaction cookies and the portal's session cookies. */
export class CookieJar {
  readonly cookies = new Map<string, string>();

  store(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some(a => /^\s*expires=/i.test(a) && Date.parse(a.split('=')[1]) < Date.now() - 60_000 * 60 * 24 * 365);
      if (value === '' || expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  get(name: string): string | undefined {
    const value = this.cookies.get(name);
    return value === undefined ? undefined : decodeURIComponent(value);
  }
}

/** A browser of sorts: follows redirects by hand, keeping cookies per origin. */
export class TestBrowser {
  private readonly jars = new Map<string, CookieJar>();

  jar(origin: string): CookieJar {
    let jar = this.jars.get(origin);
    if (!jar) {
      jar = new CookieJar();
      this.jars.set(origin, jar);
    }
    return jar;
  }

  async fetch(url: string, init: { method?: string; body?: URLSearchParams | string; headers?: Record<string, string> } = {}): Promise<Response> {
    const origin = new URL(url).origin;
    const jar = this.jar(origin);
    const res = await fetch(url, {
      method: init.method ?? 'GET',
      redirect: 'manual',
      headers: { ...(jar.header() ? { cookie: jar.header() } : {}), ...init.headers },
      body: init.body,
    });
    jar.store(res);
    return res;
  }

  /** Follows redirects from `url` until one leaves for `stopAt` (returned, not followed) or a page answers. */
  async follow(url: string, stopAt: string): Promise<{ url: string; res?: Response }> {
    let current = url;
    for (let i = 0; i < 20; i++) {
      if (current.startsWith(stopAt)) return { url: current };
      const res = await this.fetch(current);
      const location = res.headers.get('location');
      if (res.status < 300 || res.status >= 400 || !location) return { url: current, res };
      current = new URL(location, current).toString();
    }
    throw new Error(`Too many redirects from ${url}`);
  }
}
