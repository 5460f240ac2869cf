import type { Command } from 'commander';

/** When a start without a usable code cache writes one (it costs the CPU of a few dozen milliseconds). */
const CODE_CACHE_DELAY_MS = 15_000;

/** `portico start [--config FILE]...`: the assembled backend, serving the built app when there is one. */
export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('Start the assembled backend (and serve the built app)')
    .option('--config <file>', 'config file (repeatable; replaces app-config.yaml + app-config.local.yaml)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .action(async (options: { config: string[] }) => {
      try {
        // Loaded here, not at the top: the other commands never need the backend. From the server bundle when it is
        // current (one file and V8's code cache: half the CPU of loading ~2,000 modules), otherwise from dist.
        const { loadServerBundle } = require('../start/serverBundle') as typeof import('../start/serverBundle');
        const loaded = loadServerBundle();
        const { startPortico } = loaded ? loaded.bundle.startPortico() : (require('../start/startPortico') as typeof import('../start/startPortico'));
        await startPortico({ configPaths: options.config, handleSignals: true, bundledFeatures: loaded?.bundle.features });
        // The first start after a build leaves the code cache for the next ones, once the first load had its time.
        if (loaded) setTimeout(() => loaded.saveCodeCache(), CODE_CACHE_DELAY_MS).unref();
      } catch (error) {
        // The host has logged why (`Backend failed to start: ...`) unless it failed before its logger existed.
        const { isStartErrorLogged } = require('@portico/backend') as typeof import('@portico/backend');
        console.error(isStartErrorLogged(error) ? 'portico start failed: see "Backend failed to start" above' : `portico start failed: ${(error as Error)?.message ?? error}`);
        process.exit(1);
      }
    });
}
