// `portico start` run from the sources (TypeScript through swc), so the tests need no build: argv as the CLI's.
require('../../packages/backend/src/__testUtils__/registerSwc.js');
require('../../packages/cli/src/index.ts')
  .main(process.argv)
  .catch(error => {
    console.error(error && error.message ? error.message : error);
    process.exit(1);
  });
