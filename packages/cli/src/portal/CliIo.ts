import os from 'node:os';

/** Where a command writes, and what it may be handed instead of the real thing in a test. */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** The environment: XDG_CONFIG_HOME, HOME, PORTICO_URL, PORTICO_TOKEN. */
  env: NodeJS.ProcessEnv;
  fetch: typeof fetch;
  /** Waits between polls of `portico login`. */
  sleep(ms: number): Promise<void>;
  /** Opens a URL in a browser (`portico login --open`). */
  openBrowser(url: string): void;
  /** The machine's name, shown to the person approving a login. */
  hostname(): string;
}

/** Opens `url` with the platform's opener, detached; a failure is only a missing convenience. */
function openWithPlatform(url: string): void {
  // Loaded on use: only `portico login --open` needs it.
  const { spawn } = require('node:child_process') as typeof import('node:child_process');
  const [command, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url]] : ['xdg-open', [url]];
  const child = spawn(command, args, { stdio: 'ignore', detached: true });
  child.on('error', () => undefined);
  child.unref();
}

/** The real process: its streams and environment, global fetch, timers, the platform's browser opener. */
export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    fetch: (input, init) => globalThis.fetch(input, init),
    sleep: ms => new Promise(resolve => setTimeout(resolve, ms)),
    openBrowser: openWithPlatform,
    hostname: () => os.hostname(),
  };
}
