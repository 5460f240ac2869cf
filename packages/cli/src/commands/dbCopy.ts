import type { Command } from 'commander';

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

/** `portico db …`: tools for a portal's databases. */
export function registerDbCommands(program: Command): void {
  const db = program.command('db').description("Tools for the portal's databases");
  db.command('copy')
    .description(
      "Copy every plugin's database from one portal's config to another's (e.g. SQLite to PostgreSQL): the target's tables " +
        "are made by each plugin's migrations, then filled table by table; refuses a target that holds data unless --force",
    )
    .requiredOption('--from <config>', 'config file of the portal to copy from: its backend.database, backend.dataDir and backend.plugins (repeatable, later wins, as with start)', collect)
    .requiredOption('--to <config>', 'config file of the portal to copy to: its backend.database (repeatable)', collect)
    .option('--force', "replace the rows the target's tables hold instead of refusing")
    .option('--batch-size <rows>', 'rows read and written at a time', (v: string) => Number(v), 1000)
    .action(async (opts: { from: string[]; to: string[]; force?: boolean; batchSize: number }) => {
      if (!Number.isInteger(opts.batchSize) || opts.batchSize < 1) {
        process.stderr.write('portico db copy: --batch-size must be a whole number of rows, at least 1\n');
        process.exitCode = 1;
        return;
      }
      try {
        // Loaded when the command runs: the other commands never need the backend and knex.
        const { copyPortalDatabases } = require('./dbCopyPortal') as typeof import('./dbCopyPortal');
        await copyPortalDatabases({ from: opts.from, to: opts.to, force: opts.force, batchSize: opts.batchSize });
      } catch (error) {
        process.stderr.write(`portico db copy: ${(error as Error)?.message ?? error}\n`);
        process.exitCode = 1;
      }
    });
}
