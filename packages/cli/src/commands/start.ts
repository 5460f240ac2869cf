import type { Command } from 'commander';

// host-core: implement `portico start [--config FILE]...` here.
export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('Start the assembled backend (and serve the built app)')
    .option('--config <file>', 'config file (repeatable; replaces app-config.yaml + app-config.local.yaml)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .action(async () => {
      throw new Error('portico start is being built');
    });
}
