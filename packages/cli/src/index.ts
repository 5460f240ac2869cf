import { Command } from 'commander';
import { registerStartCommand } from './commands/start';
import { registerCatalogCommands } from './commands/catalog';
import { registerNewPluginCommand } from './commands/newPlugin';
import { registerLoginCommand } from './commands/login';
import { registerLogoutCommand } from './commands/logout';
import { registerWhoamiCommand } from './commands/whoami';
import { registerApiCommand } from './commands/api';
import { registerDbCommands } from './commands/dbCopy';

/** Builds the `portico` command; each command lives in its own file under commands/. */
export function createProgram(): Command {
  const program = new Command('portico').description('Portico developer portal').showHelpAfterError();
  registerStartCommand(program);
  registerCatalogCommands(program);
  registerNewPluginCommand(program);
  registerLoginCommand(program);
  registerLogoutCommand(program);
  registerWhoamiCommand(program);
  registerApiCommand(program);
  registerDbCommands(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  await createProgram().parseAsync(argv);
}
