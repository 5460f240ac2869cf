import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { SandboxJob, SandboxReply } from './SandboxJob';

export interface SandboxOptions {
  /** How long one evaluation may run before its thread is killed. Default 5000 ms. */
  timeoutMs?: number;
  /** Heap cap of each worker thread (`resourceLimits.maxOldGenerationSizeMb`). Default 128 MB. */
  maxMemoryMb?: number;
  /** How many evaluations run at once, each on its own thread. Default 2. */
  workers?: number;
}

export const SANDBOX_DEFAULTS = { timeoutMs: 5000, maxMemoryMb: 128, workers: 2 } as const;

/** An evaluation went over its time or memory limit, or killed its thread; the thread was replaced. */
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
 * The worker runs the compiled sandboxWorker module. From the TypeScript sources (jest, the benches)
 * there is nothing compiled, so the thread compiles .ts files on load with @swc/core (a dev dependency).
 */
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
if (workerData.swc) {
  const fs = require('node:fs');
  const swc = require(workerData.swc);
  require.extensions['.ts'] = (module, filename) => {
    const { code } = swc.transformSync(fs.readFileSync(filename, 'utf8'), {
      filename, swcrc: false, jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' },
    });
    module._compile(code, filename);
  };
}
require(workerData.entry).serveSandboxJobs();
`;

const THREAD_START_TIMEOUT_MS = 30_000;
const WORKER_ENTRY = path.join(__dirname, `sandboxWorker${path.extname(__filename)}`);

interface PendingJob {
  job: SandboxJob;
  label: string;
  signal?: AbortSignal;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

const seconds = (ms: number) => `${Number((ms / 1000).toFixed(3))} s`;

/**
 * Evaluates untrusted templates and expressions on a few long-lived worker threads, each with a heap
 * cap, and each evaluation with a time limit: a runaway evaluation costs its thread (killed and
 * replaced), never the main event loop. Threads start on first use and never keep the process alive.
 */
export class Sandbox {
  readonly timeoutMs: number;
  readonly maxMemoryMb: number;
  private readonly size: number;
  private readonly idle: Worker[] = [];
  private readonly threads = new Set<Worker>();
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
   * job's own error when it throws, and with the signal's reason when aborted (the thread is killed).
   */
  run(job: SandboxJob, options: { label: string; signal?: AbortSignal }): Promise<unknown> {
    if (this.closed) return Promise.reject(new Error('The sandbox is closed'));
    if (options.signal?.aborted) return Promise.reject(abortReason(options.signal));
    return new Promise((resolve, reject) => {
      this.queue.push({ job, label: options.label, signal: options.signal, resolve, reject });
      this.dispatch();
    });
  }

  /** Ends every thread; jobs still queued or running fail. */
  async close(): Promise<void> {
    this.closed = true;
    for (const pending of this.queue.splice(0)) pending.reject(new Error('The sandbox is closed'));
    const threads = [...this.threads];
    this.threads.clear();
    this.idle.length = 0;
    await Promise.allSettled(threads.map(t => t.terminate()));
  }

  private dispatch() {
    while (this.queue.length > 0 && !this.closed) {
      const worker = this.idle.pop();
      if (!worker) {
        // A thread's start (a fresh isolate, nunjucks and JSONata) is not charged to any job's time limit.
        while (this.threads.size < this.size && this.starting < this.queue.length) this.spawn();
        return;
      }
      const pending = this.queue.shift()!;
      if (pending.signal?.aborted) {
        this.idle.push(worker);
        pending.reject(abortReason(pending.signal));
        continue;
      }
      this.execute(worker, pending);
    }
  }

  private spawn() {
    const worker = new Worker(BOOTSTRAP, {
      eval: true,
      workerData: { entry: WORKER_ENTRY, swc: WORKER_ENTRY.endsWith('.ts') ? require.resolve('@swc/core') : undefined },
      resourceLimits: { maxOldGenerationSizeMb: this.maxMemoryMb, maxYoungGenerationSizeMb: Math.min(32, Math.max(4, this.maxMemoryMb / 4)), stackSizeMb: 4 },
    });
    this.threads.add(worker);
    this.starting++;
    let started = false;
    const startTimer = setTimeout(() => {
      startFailed(`it did not start within ${seconds(THREAD_START_TIMEOUT_MS)}`);
      void worker.terminate();
    }, THREAD_START_TIMEOUT_MS); // keeps the process alive while a job waits for this thread, as a job's own timer does
    const startFailed = (why: string) => {
      if (started) return;
      started = true;
      clearTimeout(startTimer);
      this.starting--;
      this.forget(worker);
      // Fail one waiting job per failed start, so a thread that cannot start never loops.
      this.queue.shift()?.reject(new SandboxLimitError(`The evaluation thread could not start: ${why}`));
      this.dispatch();
    };
    // An 'error' without a listener would be thrown on the main thread; a running job handles its own.
    worker.on('error', (error: Error) => startFailed(error.message));
    worker.on('exit', code => {
      startFailed(`exit code ${code}`);
      this.forget(worker);
    });
    // The thread's first message says it has loaded its modules.
    worker.once('message', () => {
      if (started) return;
      started = true;
      clearTimeout(startTimer);
      this.starting--;
      this.idle.push(worker);
      this.dispatch();
    });
    worker.unref();
  }

  private forget(worker: Worker) {
    this.threads.delete(worker);
    const i = this.idle.indexOf(worker);
    if (i >= 0) this.idle.splice(i, 1);
  }

  private execute(worker: Worker, pending: PendingJob) {
    const { label, signal } = pending;
    let settled = false;
    const settle = (outcome: { value: unknown } | { error: Error }, threadHealthy: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      signal?.removeEventListener('abort', onAbort);
      if (threadHealthy) {
        this.idle.push(worker);
      } else {
        this.forget(worker);
        void worker.terminate();
      }
      if ('error' in outcome) pending.reject(outcome.error);
      else pending.resolve(outcome.value);
      this.dispatch();
    };
    const onMessage = (reply: SandboxReply) =>
      settle(reply.ok ? { value: reply.value } : { error: new SandboxEvaluationError(reply.error.name, reply.error.message) }, true);
    const onError = (error: Error & { code?: string }) => {
      const why =
        error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? `${label} exceeded its memory limit (${this.maxMemoryMb} MB)`
          : `${label} crashed its evaluation thread: ${error.message}`;
      settle({ error: new SandboxLimitError(why) }, false);
    };
    const onExit = (code: number) => settle({ error: new SandboxLimitError(`${label} ended its evaluation thread (exit code ${code})`) }, false);
    const onAbort = () => settle({ error: abortReason(signal!) }, false);
    const timer = setTimeout(() => settle({ error: new SandboxLimitError(`${label} exceeded its ${seconds(this.timeoutMs)} time limit`) }, false), this.timeoutMs);
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      worker.postMessage(pending.job);
    } catch (error) {
      // Data that cannot be cloned (a function in the context): the thread never saw the job.
      settle({ error: error as Error }, true);
    }
  }
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
