import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';

function findRepoRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const pj = path.join(dir, 'package.json');
    if (fs.existsSync(pj) && (JSON.parse(fs.readFileSync(pj, 'utf8')) as { workspaces?: unknown }).workspaces) return dir;
    if (path.dirname(dir) === dir) throw new Error(`No npm workspaces root above ${start}`);
  }
}

/** `portico new plugin NAME`: a minimal frontend/backend plugin pair, wired in. */
export function registerNewPluginCommand(program: Command): void {
  const create = program.commands.find(c => c.name() === 'new') ?? program.command('new').description('Create things from templates');
  create
    .command('plugin <name>')
    .description('Create plugins/NAME-backend and plugins/NAME, a minimal plugin pair (a table, a route, a page, an entity card, their tests), installed in app-config.yaml')
    .option('--scope <scope>', 'npm scope of the new packages', '@portico')
    .option('--skip-install', 'do not run npm install afterwards')
    .action((name: string, options: { scope: string; skipInstall?: boolean }) => {
      try {
        const { createPluginPair } = require('./newPlugin') as typeof import('./newPlugin');
        const created = createPluginPair({
          rootDir: findRepoRoot(process.cwd()),
          name,
          scope: options.scope,
          install: !options.skipInstall,
          log: message => console.log(message),
        });
        console.log(
          `\nDone. Try: npx jest ${path.relative(process.cwd(), created.backendDir)} ${path.relative(process.cwd(), created.frontendDir)}`,
        );
      } catch (error) {
        console.error(`portico new plugin failed: ${(error as Error).message}`);
        process.exitCode = 1;
      }
    });
}
