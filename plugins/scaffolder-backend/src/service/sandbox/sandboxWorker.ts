// Runs inside the sandbox's evaluation processes only (started by Sandbox.ts); imports nothing of the host.
import jsonata from 'jsonata';
import { SecureTemplater } from '../SecureTemplater';
import type { SandboxJob, SandboxReply } from './SandboxJob';

let templater: SecureTemplater | undefined;
/** Compiled expressions by source text: templates repeat theirs run after run. */
const expressions = new Map<string, ReturnType<typeof jsonata>>();

function compileJsonata(source: string): ReturnType<typeof jsonata> {
  let expression = expressions.get(source);
  if (!expression) {
    try {
      expression = jsonata(source);
    } catch (e) {
      throw new Error(`Invalid JSONata expression: ${(e as Error).message}`, { cause: e });
    }
    if (expressions.size >= 500) expressions.delete(expressions.keys().next().value as string);
    expressions.set(source, expression);
  }
  return expression;
}

/** Evaluates one job; what it returns crosses back to the host as plain JSON data. */
export async function runSandboxJob(job: SandboxJob): Promise<unknown> {
  templater ??= new SecureTemplater();
  switch (job.kind) {
    case 'renderValue':
      return templater.renderValue(job.value, job.context);
    case 'renderString':
      return templater.renderString(job.template, job.context);
    case 'jsonata': {
      const result = (await compileJsonata(job.expression).evaluate(job.data ?? {})) as unknown;
      // JSONata sequences and functions are not data: keep what JSON keeps.
      return result === undefined ? null : (JSON.parse(JSON.stringify(result) ?? 'null') as unknown);
    }
  }
}

/** Answers the host's jobs one at a time over the IPC channel, until the host goes away. */
export function serveSandboxJobs(): void {
  const send = process.send?.bind(process);
  if (!send) throw new Error('serveSandboxJobs runs in a process started with an IPC channel only');
  process.on('disconnect', () => process.exit(0));
  process.on('message', (job: SandboxJob) => {
    runSandboxJob(job).then(
      value => send({ ok: true, value } satisfies SandboxReply),
      (error: unknown) => {
        const e = error instanceof Error ? error : new Error(String(error));
        send({ ok: false, error: { name: e.name, message: e.message } } satisfies SandboxReply);
      },
    );
  });
  send({ ready: true });
}
