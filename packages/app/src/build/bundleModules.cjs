// Bundles `source` (an ES module, TypeScript allowed) for the browser the way the app's build resolves workspace
// packages, and prints the modules that ended up in the bundle as JSON: what an app importing it would ship.
// Run as `node bundleModules.cjs '<source>'` from the app's folder (rolldown is ESM-only: jest calls this script).
(async () => {
  const source = process.argv[2];
  const { rolldown } = await import(require.resolve('rolldown', { paths: [process.cwd()] }));
  const bundle = await rolldown({
    input: 'entry',
    cwd: process.cwd(),
    logLevel: 'silent',
    // the app's vite.config.mts: workspace packages by their `source` export
    resolve: { conditionNames: ['source', 'import', 'module', 'browser', 'default'] },
    plugins: [
      {
        name: 'entry',
        resolveId: id => (id === 'entry' ? '\0entry.ts' : null),
        load: id => (id === '\0entry.ts' ? { code: source, moduleType: 'ts' } : null),
      },
    ],
  });
  const { output } = await bundle.generate({ format: 'esm' });
  process.stdout.write(JSON.stringify(output.flatMap(chunk => (chunk.type === 'chunk' ? Object.keys(chunk.modules) : []))));
})().catch(error => {
  console.error(error);
  process.exit(1);
});
