import { execFileSync } from 'node:child_process';
import path from 'node:path';

const appDir = path.join(__dirname, '../..');

/** The modules a browser bundle of `source` holds (built by rolldown, as the app's vite build does). */
function bundledModules(source: string): string[] {
  const out = execFileSync(process.execPath, [path.join(__dirname, 'bundleModules.cjs'), source], { cwd: appDir, encoding: 'utf8' });
  return JSON.parse(out) as string[];
}

describe("the app's bundle", () => {
  it('leaves zod and the entity schemas out when a page only uses refs from @portico/catalog-model', () => {
    const modules = bundledModules(
      "import { parseEntityRef, stringifyEntityRef } from '@portico/catalog-model';\n" +
        "export const ref = stringifyEntityRef(parseEntityRef('component:default/x'));\n",
    );
    expect(modules.some(m => m.includes('catalog-model/src/ref/entityRef'))).toBe(true);
    // zod is ~100 KB of the initial JavaScript the browser parses before the first page
    expect(modules.filter(m => /node_modules\/zod\//.test(m))).toEqual([]);
    expect(modules.filter(m => /catalog-model\/src\/(kinds|entity\/entityEnvelopeSchema)/.test(m))).toEqual([]);
  });
});
