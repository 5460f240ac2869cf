import type { CliIo } from './CliIo';

/** Runs a portal command, turning a thrown error into `portico <name>: <message>` and exit code 1. */
export async function runReportingErrors(name: string, command: () => Promise<number>, io: Pick<CliIo, 'stderr'> = process): Promise<number> {
  try {
    return await command();
  } catch (error) {
    io.stderr.write(`portico ${name}: ${(error as Error)?.message ?? error}\n`);
    return 1;
  }
}
