import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { SandboxJob, SandboxReply } from './SandboxJob';

export interface SandboxOptions {
  /** How long one evaluation may run before its process is killed. Default 5000 ms. */
  timeoutMs?: number;
  /** Heap cap of each evaluation process (`--max-old-space-size`). Default 128 MB. */
  maxMemoryMb?: number;
  /** How many evaluations run at once, each in its own process. Default 2. */
  workers?: number;
}

export const SANDBOX_DEFAULTS = { timeoutMs: 5000, maxMemoryMb: 128, workers: 2 } as const;

/** An evaluation went over its time or memory limit, or crashed its process; the process was replaced. */
export class SandboxLimitError extends Error {
  name = 'SandboxLimitError';
}

/** An error thrown by the evaluated code itself (a template error, an invalid expression). */
class SandboxEvaluationError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/**
 * The process runs the compiled sandboxWorker module. From the TypeScript sources (jest, the benches)
 * there is nothing compiled, so it compiles .ts files on load with @swc/core (a dev dependency).
 */
const BOOTSTRAP = `
// A busy evaluation never sees the IPC channel close: a watchdog thread ends the process if the server died.
new (require('node:worker_threads').Worker)(
  'const server = ' + process.ppid + '; setInterval(() => { if (process.ppid !== server) process.kill(process.pid, "SIGKILL"); }, 1000);',
  { eval: true, resourceLimits: { maxOldGenerationSizeMb: 8 } },
).unref();
const entry = process.env.PORTICO_SANDBOX_ENTRY;
const swcPath = process.env.PORTICO_SANDBOX_SWC;
if (swcPath) {
  const fs = require('node:fs');
  const swc = require(swcPath);
  require.extensions['.ts'] = (module, filename) => {
    const { code } = swc.transformSync(fs.readFileSync(filename, 'utf8'), {
      filename, swcrc: false, jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' },
    });
    module._compile(code, filename);
  };
}
require(entry).serveSandboxJobs();
`;

const START_TIMEOUT_MS = 30_000;
/**
 * The worker's file, next to this one; inside the server bundle `portico start` loads (where this file is the
 * bundle), the one in this package's dist.
 */
const WORKER_ENTRY = (() => {
  const beside = path.join(__dirname, `sandboxWorker${path.extname(__filename)}`);
  if (fs.existsSync(beside)) return beside;
  return path.join(path.dirname(require.resolve('@portico/plugin-scaffolder-backend/package.json')), 'dist', 'service', 'sandbox', 'sandboxWorker.js');
})();

interface PendingJob {
  job: SandboxJob;
  label: string;
  signal?: AbortSignal;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/** A started evaluation process and the end of what it wrote to stderr (V8 says there why it aborted). */
interface Evaluator {
  child: ChildProcess;
  stderrTail: string;
}

const seconds = (ms: number) => `${Number((ms / 1000).toFixed(3))} s`;

/**
 * Evaluates untrusted templates and expressions in a few long-lived child processes, each with a
 * heap cap, and each evaluation with a time limit: a runaway evaluation costs its process (killed
 * and replaced), never the server's event loop. Processes, not worker threads: V8 aborts the whole
 * process on some allocation failures (a huge string upper-cased, a string split into more items
 * than an array holds), which a worker thread's resource limits do not catch. Processes start on
 * first use, get no environment variables, and never keep the server alive.
 */
export class Sandbox {
  readonly timeoutMs: number;
  readonly maxMemoryMb: number;
  private readonly size: number;
  private readonly idle: Evaluator[] = [];
  private readonly all = new Set<Evaluator>();
  private readonly queue: PendingJob[] = [];
  private starting = 0;
  private closed = false;

  constructor(options: SandboxOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? SANDBOX_DEFAULTS.timeoutMs;
    this.maxMemoryMb = options.maxMemoryMb ?? SANDBOX_DEFAULTS.maxMemoryMb;
    this.size = Math.max(1, options.workers ?? SANDBOX_DEFAULTS.workers);
  }

  /**
   * Runs a job; rejects with a SandboxLimitError naming `label` when it goes over a limit, with the
   * job's own error when it throws, and with the signal's reason when aborted (the process is killed).
   */
  run(job: SandboxJob, options: { label: string; signal?: AbortSignal }): Promise<unknown> {
    if (this.closed) return Promise.reject(new Error('The sandbox is closed'));
    if (options.signal?.aborted) return Promise.reject(abortReason(options.signal));
    return new Promise((resolve, reject) => {
      this.queue.push({ job, label: options.label, signal: options.signal, resolve, reject });
      this.dispatch();
    });
  }

  /** Ends every process; jobs still queued or running fail. */
  async close(): Promise<void> {
    this.closed = true;
    for (const pending of this.queue.splice(0)) pending.reject(new Error('The sandbox is closed'));
    const evaluators = [...this.all];
    this.all.clear();
    this.idle.length = 0;
    await Promise.all(evaluators.map(e => stop(e.child)));
  }

  private dispatch() {
    while (this.queue.length > 0 && !this.closed) {
      const evaluator = this.idle.pop();
      if (!evaluator) {
        // A process's start (node, nunjucks and JSONata: about 0.1 s) is not charged to any job's time limit.
        while (this.all.size < this.size && this.starting < this.queue.length) this.start();
        return;
      }
      const pending = this.queue.shift()!;
      if (pending.signal?.aborted) {
        this.idle.push(evaluator);
        pending.reject(abortReason(pending.signal));
        continue;
      }
      this.execute(evaluator, pending);
    }
  }

  private start() {
    // From the sources, workspace packages resolve to their src/ (the `source` export condition) as under jest,
    // so the tests need no build first.
    const fromSources = WORKER_ENTRY.endsWith('.ts') ? ['--conditions=source'] : [];
    const child = spawn(process.execPath, [...fromSources, `--max-old-space-size=${this.maxMemoryMb}`, `--max-semi-space-size=${Math.min(16, Math.max(1, Math.floor(this.maxMemoryMb / 8)))}`, '-e', BOOTSTRAP], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced',
      env: { PORTICO_SANDBOX_ENTRY: WORKER_ENTRY, ...(WORKER_ENTRY.endsWith('.ts') ? { PORTICO_SANDBOX_SWC: require.resolve('@swc/core') } : {}) },
    });
    const evaluator: Evaluator = { child, stderrTail: '' };
    child.stderr?.on('data', (chunk: Buffer) => {
      evaluator.stderrTail = (evaluator.stderrTail + chunk.toString('utf8')).slice(-4096);
    });
    this.all.add(evaluator);
    this.starting++;
    let started = false;
    const startTimer = setTimeout(() => {
      startFailed(`it did not start within ${seconds(START_TIMEOUT_MS)}`);
      child.kill('SIGKILL');
    }, START_TIMEOUT_MS); // keeps the server alive while a job waits for this process, as a job's own timer does
    const startFailed = (why: string) => {
      if (started) return;
      started = true;
      clearTimeout(startTimer);
      this.starting--;
      this.forget(evaluator);
      // Fail one waiting job per failed start, so a process that cannot start never loops.
      this.queue.shift()?.reject(new SandboxLimitError(`The evaluation process could not start: ${why}`));
      this.dispatch();
    };
    child.on('error', (error: Error) => startFailed(error.message));
    child.on('exit', (code, signal) => {
      startFailed(`exit ${signal ?? code}: ${lastLine(evaluator.stderrTail)}`);
      this.forget(evaluator);
    });
    // The first message says the process has loaded its modules.
    child.once('message', () => {
      if (started) return;
      started = true;
      clearTimeout(startTimer);
      this.starting--;
      this.idle.push(evaluator);
      this.dispatch();
    });
    child.unref();
    (child.channel as { unref?(): void } | undefined)?.unref?.();
    (child.stderr as { unref?(): void } | null)?.unref?.();
  }

  private forget(evaluator: Evaluator) {
    this.all.delete(evaluator);
    const i = this.idle.indexOf(evaluator);
    if (i >= 0) this.idle.splice(i, 1);
  }

  private execute(evaluator: Evaluator, pending: PendingJob) {
    const { child } = evaluator;
    const { label, signal } = pending;
    let settled = false;
    const settle = (outcome: { value: unknown } | { error: Error }, healthy: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      signal?.removeEventListener('abort', onAbort);
      if (healthy) {
        this.idle.push(evaluator);
      } else {
        this.forget(evaluator);
        child.kill('SIGKILL');
      }
      if ('error' in outcome) pending.reject(outcome.error);
      else pending.resolve(outcome.value);
      this.dispatch();
    };
    const onMessage = (reply: SandboxReply) =>
      settle(reply.ok ? { value: reply.value } : { error: new SandboxEvaluationError(reply.error.name, reply.error.message) }, true);
    const onExit = (code: number | null, exitSignal: NodeJS.Signals | null) => {
      // V8 aborts (SIGABRT) on a full heap and traps (SIGTRAP) on an array or string too large to exist.
      const outOfMemory = exitSignal === 'SIGABRT' || exitSignal === 'SIGTRAP' || /heap out of memory|invalid size error|Invalid array length/i.test(evaluator.stderrTail);
      const why = outOfMemory
        ? `${label} exceeded its memory limit (${this.maxMemoryMb} MB)`
        : `${label} crashed its evaluation process (exit ${exitSignal ?? code}: ${lastLine(evaluator.stderrTail)})`;
      settle({ error: new SandboxLimitError(why) }, false);
    };
    const onAbort = () => settle({ error: abortReason(signal!) }, false);
    const timer = setTimeout(() => settle({ error: new SandboxLimitError(`${label} exceeded its ${seconds(this.timeoutMs)} time limit`) }, false), this.timeoutMs);
    child.on('message', onMessage);
    child.on('exit', onExit);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      child.send(pending.job, error => {
        if (error) settle({ error }, false);
      });
    } catch (error) {
      // Data that cannot be cloned (a function in the context): the process never saw the job.
      settle({ error: error as Error }, true);
    }
  }
}

function lastLine(text: string): string {
  return text.trim().split('\n').filter(Boolean).pop()?.slice(0, 200) ?? 'no output';
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise(resolve => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('The evaluation was aborted');
}

let shared: Sandbox | undefined;

/** One process-wide sandbox with default limits, for actions created without one. */
export function defaultSandbox(): Sandbox {
  shared ??= new Sandbox();
  return shared;
}
