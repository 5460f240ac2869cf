import type { Command } from 'commander';

/** `portico start [--config FILE]...`: the assembled backend, serving the built app when there is one. */
export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('Start the assembled backend (and serve the built app)')
    .option('--config <file>', 'config file (repeatable; replaces app-config.yaml + app-config.local.yaml)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .action(async (options: { config: string[] }) => {
      try {
        // Loaded here, not at the top: the other commands never need the backend (~0.4 s to load).
        const { startPortico } = require('../start/startPortico') as typeof import('../start/startPortico');
        await startPortico({ configPaths: options.config, handleSignals: true });
      } catch (error) {
        // The host has logged why (`Backend failed to start: ...`) unless it failed before its logger existed.
        const { isStartErrorLogged } = require('@portico/backend') as typeof import('@portico/backend');
        console.error(isStartErrorLogged(error) ? 'portico start failed: see "Backend failed to start" above' : `portico start failed: ${(error as Error)?.message ?? error}`);
        process.exit(1);
      }
    });
}
