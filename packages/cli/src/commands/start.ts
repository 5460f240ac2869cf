import type { Command } from 'commander';

/**
 * When a start that had no code cache of a start writes one (it costs the CPU of a few dozen milliseconds): late
 * enough to hold what the first load and the first requests compiled.
 */
const CODE_CACHE_DELAY_MS = 15_000;

/**
 * With PORTICO_STARTUP_TIMELINE=1 (bench/startup sets it), one line on stderr once started: when each phase of the
 * start ended, in ms since the process started (the `portico:*` marks of the CLI and the host).
 */
function printStartupTimeline(): void {
  const marks = performance.getEntriesByType('mark').filter(m => m.name.startsWith('portico:'));
  const timeline = Object.fromEntries(marks.map(m => [m.name.slice('portico:'.length), Math.round(m.startTime)]));
  process.stderr.write(`portico start timeline ${JSON.stringify(timeline)}\n`);
}

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
        performance.mark('portico:cli');
        const { loadServerBundle } = require('../start/serverBundle') as typeof import('../start/serverBundle');
        const loaded = loadServerBundle();
        performance.mark('portico:bundle-loaded');
        const { startPortico } = loaded ? loaded.bundle.startPortico() : (require('../start/startPortico') as typeof import('../start/startPortico'));
        performance.mark('portico:modules-loaded');
        await startPortico({ configPaths: options.config, handleSignals: true, bundledFeatures: loaded?.bundle.features });
        if (process.env.PORTICO_STARTUP_TIMELINE === '1') printStartupTimeline();
        // The first start after a build leaves its code cache for the next ones, once the first load had its time.
        if (loaded) setTimeout(() => loaded.saveCodeCache(), CODE_CACHE_DELAY_MS).unref();
      } catch (error) {
        // The host has logged why (`Backend failed to start: ...`) unless it failed before its logger existed.
        const { isStartErrorLogged } = require('@portico/backend') as typeof import('@portico/backend');
        console.error(isStartErrorLogged(error) ? 'portico start failed: see "Backend failed to start" above' : `portico start failed: ${(error as Error)?.message ?? error}`);
        process.exit(1);
      }
    });
}
