// The tsconfig.build.json of every workspace package and the solution (root tsconfig.build.json) that builds them,
// derived from each package.json so references never drift. scripts/build.js writes them; scripts/packageTypes.test.ts
// checks from them, without a build, that every published package ships the declarations its package.json names.
//
// Node packages compile to CommonJS plus declarations in dist/. Web packages are bundled by Vite from source, so tsc
// emits only their declarations (.d.ts): into dist/, or dist-types/ for a package whose own build (the app's Vite
// build, which empties dist/ each time) owns dist/.
const path = require('path');

/** Tests, fixtures and test helpers are not part of what a package publishes. */
const EXCLUDE = ['src/**/*.test.ts', 'src/**/*.test.tsx', 'src/**/__fixtures__/**', 'src/**/__testUtils__/**'];

/** Where tsc writes a package's declarations, relative to the package. */
function declarationDir(w) {
  return w.kind === 'web' && w.pkg.scripts && w.pkg.scripts.build ? 'dist-types' : 'dist';
}

/**
 * The workspace packages a package's build depends on. Node packages: every workspace dependency that is a node
 * package (dev ones included, as before). Web packages: what they import at run time (dependencies and peer
 * dependencies); their devDependencies serve only the tests, which the build leaves out.
 */
function buildDependencies(w, byName) {
  if (w.kind !== 'web') return w.deps.map(d => byName.get(d)).filter(d => d && d.kind !== 'web');
  return Object.keys({ ...w.pkg.dependencies, ...w.pkg.peerDependencies })
    .map(d => byName.get(d))
    .filter(Boolean);
}

/** The tsconfig.build.json of one package (a JSON object), relative to its folder. */
function packageTsconfig(root, w, byName) {
  const outDir = declarationDir(w);
  const compilerOptions = { composite: true, rootDir: 'src', outDir, tsBuildInfoFile: `${outDir}/.tsbuildinfo` };
  if (w.kind === 'web') {
    // What the root tsconfig.json type-checks web code with, less the test-only types; declarations only.
    Object.assign(compilerOptions, {
      emitDeclarationOnly: true,
      declaration: true,
      sourceMap: false,
      lib: ['ES2023', 'DOM', 'DOM.Iterable'],
      jsx: 'react-jsx',
      module: 'preserve',
      moduleResolution: 'bundler',
      types: ['node'],
    });
  }
  return {
    extends: path.relative(w.dir, path.join(root, 'tsconfig.base.json')),
    compilerOptions,
    include: ['src'],
    exclude: EXCLUDE,
    references: buildDependencies(w, byName).map(d => ({ path: path.relative(w.dir, path.join(d.dir, 'tsconfig.build.json')) })),
  };
}

/** The solution that builds the given packages (root tsconfig.build.json). */
function solutionTsconfig(workspaces) {
  return { files: [], references: workspaces.map(w => ({ path: `./${w.rel}/tsconfig.build.json` })) };
}

/**
 * The declaration file tsc emits for a source file of a package (both relative to the package, posix style):
 * `./src/testing/index.ts` -> `./dist/testing/index.d.ts`.
 */
function declarationFor(w, sourceFile) {
  const rel = path.posix.relative('src', path.posix.normalize(sourceFile));
  if (rel.startsWith('..')) throw new Error(`${w.name}: ${sourceFile} is not under src/`);
  return `./${declarationDir(w)}/${rel.replace(/\.tsx?$/, '.d.ts')}`;
}

module.exports = { EXCLUDE, declarationDir, declarationFor, packageTsconfig, solutionTsconfig };
