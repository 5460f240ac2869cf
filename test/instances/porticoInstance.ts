import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');

/** The plugins an instance runs unless a test names others: the catalog and what reads it. */
export const DEFAULT_PLUGINS = ['@portico/plugin-catalog-backend', '@portico/plugin-scorecards-backend', '@portico/example-backend'];

export interface InstanceOptions {
  /** `backend.database`. */
  database: object;
  /** Config merged over the generated one (top-level keys replace; `backend` is merged one level deep). */
  config?: Record<string, unknown>;
  /** Shared data dir (SQLite); default a fresh temporary one. */
  dataDir?: string;
  port?: number;
  env?: NodeJS.ProcessEnv;
}

/** One `portico start` process, run from the sources. */
export interface PorticoInstance {
  url: string;
  port: number;
  dataDir: string;
  child: ChildProcess;
  /** stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
  /** GET/POST with the instance's access token. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read any JSON the API answers
  call(method: string, route: string, body?: unknown): Promise<{ status: number; headers: Headers; body: any }>;
  waitReady(timeoutMs?: number): Promise<void>;
  /** SIGTERM, then SIGKILL after 15 s. */
  stop(): Promise<void>;
  /** SIGKILL: a crash. */
  kill(): Promise<void>;
}

const TOKEN = `instances-${randomBytes(16).toString('hex')}`;

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Polls `check` until it returns a value that is not undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value as T;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise(r => setTimeout(r, 100));
  }
}

/**
 * Spawns `portico start` (packages/cli from src, through swc) with a generated config file: the port, the
 * data dir, `backend.database`, an external access token and the plugins in DEFAULT_PLUGINS. Does not wait
 * for readiness: `waitReady()` does, so that several instances can be started at the same moment.
 */
export async function spawnInstance(options: InstanceOptions): Promise<PorticoInstance> {
  const port = options.port ?? (await freePort());
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'portico-instance-'));
  fs.mkdirSync(dataDir, { recursive: true });
  const extra = options.config ?? {};
  const extraBackend = (extra.backend ?? {}) as Record<string, unknown>;
  const config = {
    ...extra,
    backend: {
      plugins: DEFAULT_PLUGINS,
      logging: { level: 'info' },
      ...extraBackend,
      baseUrl: `http://127.0.0.1:${port}`,
      listen: { port, host: '127.0.0.1' },
      dataDir,
      database: options.database,
      auth: { externalAccess: [{ token: TOKEN, subject: 'instances-test' }] },
    },
  };
  const configFile = path.join(dataDir, `instance-${port}.yaml`);
  fs.writeFileSync(configFile, JSON.stringify(config, null, 2));
  const child = spawn(process.execPath, ['--conditions=source', path.join(__dirname, 'porticoFromSource.js'), 'start', '--config', configFile], {
    cwd: root,
    env: { ...process.env, PORT: '', NODE_ENV: 'test', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', chunk => (output += chunk));
  child.stderr!.on('data', chunk => (output += chunk));
  const exited = new Promise<number | null>(resolve => child.once('exit', code => resolve(code)));
  const url = `http://127.0.0.1:${port}`;

  const call: PorticoInstance['call'] = async (method, route, body) => {
    const res = await fetch(`${url}${route}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(20_000),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: res.status, headers: res.headers, body: parsed };
  };

  const instance: PorticoInstance = {
    url,
    port,
    dataDir,
    child,
    output: () => output,
    exited,
    call,
    async waitReady(timeoutMs = 90_000) {
      await waitFor(
        `${url}/readyz`,
        async () => {
          if (child.exitCode !== null) throw new Error(`the instance exited with ${child.exitCode}:\n${output.split('\n').slice(-30).join('\n')}`);
          const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(5000) }).catch(() => undefined);
          return res?.ok;
        },
        timeoutMs,
      ).catch(error => {
        if (child.exitCode !== null) throw new Error(`the instance exited with ${child.exitCode}:\n${output.split('\n').slice(-30).join('\n')}`);
        throw error;
      });
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
  return instance;
}

/** Spawns an instance and waits until `/readyz` answers 200. */
export async function startInstance(options: InstanceOptions): Promise<PorticoInstance> {
  const instance = await spawnInstance(options);
  try {
    await instance.waitReady();
  } catch (error) {
    await instance.kill();
    throw error;
  }
  return instance;
}
