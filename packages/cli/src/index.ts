import { Command } from 'commander';
import { registerStartCommand } from './commands/start';
import { registerCatalogCommands } from './commands/catalog';
import { registerNewPluginCommand } from './commands/newPluginCommand';
import { registerPortalCommands } from './commands/portalCommands';
import { registerDbCommands } from './commands/dbCopy';

/**
 * Builds the `portico` command; each command lives in its own file under commands/ and loads what it runs when it
 * runs (`portico start` would otherwise pay for zod and yaml copies the server bundle holds anyway).
 */
export function createProgram(): Command {
  const program = new Command('portico').description('Portico developer portal').showHelpAfterError();
  registerStartCommand(program);
  registerCatalogCommands(program);
  registerNewPluginCommand(program);
  registerPortalCommands(program);
  registerDbCommands(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  await createProgram().parseAsync(argv);
}
