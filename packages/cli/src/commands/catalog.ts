import type { Command } from 'commander';

/** `portico catalog …`: offline tools for catalog descriptor files. */
export function registerCatalogCommands(program: Command): void {
  const catalog = program.command('catalog').description('Catalog tools');
  catalog
    .command('validate')
    .description(
      'Validate catalog-info.yaml files with the catalog rules, including the kinds of the plugins in backend.plugins; ' +
        'prints file:line: message per problem, exits 1 on any',
    )
    .argument('<files...>', 'descriptor files (Location entities pull in their relative file targets)')
    .option('--no-follow', 'do not follow the targets of Location entities')
    .option('--config <file>', 'the portal config whose backend.plugins add kinds (default: app-config.yaml when present)')
    .action(async (files: string[], opts: { follow: boolean; config?: string }) => {
      // Loaded when the command runs: `portico start` and the others never need the catalog model.
      const { formatCatalogValidationReport, validateCatalogFiles } = require('./catalogValidate') as typeof import('./catalogValidate');
      const { kindsOfConfig } = require('./configKinds') as typeof import('./configKinds');
      const loaded = await kindsOfConfig({ configPath: opts.config, cwd: process.cwd() });
      const report = validateCatalogFiles(files, { followLocations: opts.follow, kinds: loaded.kinds });
      const lines = [...loaded.notes.map(n => `note: ${n}`), ...formatCatalogValidationReport(report)];
      process.stdout.write(`${lines.join('\n')}\n`);
      if (report.problems.length) process.exitCode = 1;
    });
}
