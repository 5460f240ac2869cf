import type { Command } from 'commander';

/** `portico catalog …`: offline tools for catalog descriptor files. */
export function registerCatalogCommands(program: Command): void {
  const catalog = program.command('catalog').description('Catalog tools');
  catalog
    .command('validate')
    .description('Validate catalog-info.yaml files with the catalog rules; prints file:line: message per problem, exits 1 on any')
    .argument('<files...>', 'descriptor files (Location entities pull in their relative file targets)')
    .option('--no-follow', 'do not follow the targets of Location entities')
    .action((files: string[], opts: { follow: boolean }) => {
      // Loaded when the command runs: `portico start` and the others never need the catalog model.
      const { formatCatalogValidationReport, validateCatalogFiles } = require('./catalogValidate') as typeof import('./catalogValidate');
      const report = validateCatalogFiles(files, { followLocations: opts.follow });
      const lines = formatCatalogValidationReport(report);
      process.stdout.write(`${lines.join('\n')}\n`);
      if (report.problems.length) process.exitCode = 1;
    });
}
