import type { Command } from 'commander';

// catalog-model helper: implement `portico catalog validate FILE...` here.
export function registerCatalogCommands(program: Command): void {
  program.command('catalog').description('Catalog tools');
}
