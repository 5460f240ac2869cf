import { execFileSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '..');

// eslint.config.mjs is an ES module that jest's CommonJS runtime cannot load, so eslint runs in a child process:
// one per test, linting every snippet of the test in it.
const lintScript = `
const { ESLint } = require('eslint');
let input = '';
process.stdin.on('data', chunk => (input += chunk)).on('end', async () => {
  const eslint = new ESLint({ cwd: process.cwd() });
  const out = [];
  for (const { file, code } of JSON.parse(input)) {
    const results = await eslint.lintText(code, { filePath: file });
    out.push(results.flatMap(r => r.messages.map(m => m.message)));
  }
  process.stdout.write(JSON.stringify(out));
});`;

/** Lints each snippet as if it were the file given with it and returns eslint's messages, one list per snippet. */
function lintAs(...snippets: Array<[file: string, code: string]>): string[][] {
  const input = JSON.stringify(snippets.map(([file, code]) => ({ file, code })));
  return JSON.parse(execFileSync(process.execPath, ['-e', lintScript], { cwd: root, input }).toString()) as string[][];
}

/** A module that imports each specifier and uses it, so only the layering can complain. */
const importing = (...specifiers: string[]) =>
  specifiers.map((s, i) => `import * as m${i} from '${s}';\n`).join('') + `export const used = [${specifiers.map((_, i) => `m${i}`).join(', ')}];\n`;

/** The layering rule ids named in the messages (`Layering (<id>): ...`), one per message. */
const rulesIn = (messages: string[]) => messages.map(m => /Layering \(([a-z-]+)\)/.exec(m)?.[1] ?? `not layering: ${m}`);

jest.setTimeout(60_000);

describe('layering lint rules', () => {
  it('keeps node out of frontend packages: no node built-ins or globals, no -node, -backend or packages/backend code', () => {
    const [builtins, nodePackages, nodeGlobal, app, api, example, allowed, viteBuild, testSetup] = lintAs(
      ['plugins/scorecards/src/x.ts', importing('node:fs', 'path')],
      ['plugins/scorecards/src/x.ts', importing('@portico/plugin-catalog-node', '@portico/backend', '@portico/backend-plugin-api', '@portico/test-utils')],
      ['plugins/catalog-react/src/x.ts', 'export const env = process.env.NODE_ENV;\n'],
      ['packages/app/src/x.tsx', importing('node:os')],
      ['packages/frontend-plugin-api/src/x.ts', importing('node:path')],
      ['examples/plugins/example/src/x.tsx', importing('node:crypto')],
      ['plugins/scorecards/src/x.tsx', importing('react', '@mui/material', '@portico/frontend-plugin-api', '@portico/core-components', '@portico/catalog-model', '@portico/plugin-catalog-common', '@portico/plugin-catalog-react', '@portico/plugin-scorecards-common')],
      // exemptions: the app's Vite plugin runs in node; tests and their setup run in jest under node
      ['packages/app/src/build/x.ts', importing('node:fs')],
      ['plugins/scaffolder/src/__testUtils__/x.ts', importing('node:v8', '@portico/test-utils')],
    );
    expect(rulesIn(builtins)).toEqual(['frontend', 'frontend']);
    expect(builtins[0]).toMatch(/frontend packages run in the browser/);
    expect(rulesIn(nodePackages)).toEqual(['frontend', 'frontend', 'frontend', 'frontend']);
    expect(rulesIn(nodeGlobal)).toEqual(['frontend']);
    expect([app, api, example].map(rulesIn)).toEqual([['frontend'], ['frontend'], ['frontend']]);
    expect(allowed).toEqual([]);
    expect(viteBuild).toEqual([]);
    expect(testSetup).toEqual([]);
  });

  it('keeps isomorphic packages free of node, the DOM and backend or frontend packages', () => {
    const [builtins, packages, globals, model, errors, allowed] = lintAs(
      ['plugins/catalog-common/src/x.ts', importing('node:http', 'path')],
      ['plugins/scorecards-common/src/x.ts', importing('@portico/backend-plugin-api', '@portico/frontend-plugin-api', '@portico/plugin-catalog-node', '@portico/plugin-catalog-react', 'react')],
      ['plugins/github-common/src/x.ts', 'export const y = [window.location, document.title, process.env, Buffer.from("")];\n'],
      ['packages/catalog-model/src/x.ts', importing('@portico/backend')],
      ['packages/errors/src/x.ts', importing('fs/promises')],
      ['plugins/catalog-common/src/x.ts', importing('@portico/errors', '@portico/catalog-model', '@portico/plugin-scorecards-common', 'zod')],
    );
    expect(builtins[0]).toMatch(/-common packages run in the browser and in node/);
    expect(rulesIn(builtins)).toEqual(['isomorphic', 'isomorphic']);
    // the -node and -react packages are also another plugin's gateway, so only the isomorphic rule objects
    expect(rulesIn(packages)).toEqual(['isomorphic', 'isomorphic', 'isomorphic', 'isomorphic', 'isomorphic']);
    expect(rulesIn(globals)).toEqual(['isomorphic', 'isomorphic', 'isomorphic', 'isomorphic']);
    expect(rulesIn(model)).toEqual(['isomorphic']);
    expect(rulesIn(errors)).toEqual(['isomorphic']);
    expect(allowed).toEqual([]);
  });

  it('keeps the plugin APIs free of implementation packages', () => {
    const [frontendApi, host, backendApi, allowed] = lintAs(
      ['packages/frontend-plugin-api/src/x.ts', importing('@portico/app', '@portico/core-components', '@portico/plugin-catalog-react', '@portico/catalog-model')],
      ['packages/frontend-plugin-api/src/x.ts', importing('@portico/backend')],
      ['packages/backend-plugin-api/src/x.ts', importing('@portico/backend', '@portico/plugin-catalog-node', '@portico/test-utils')],
      ['packages/backend-plugin-api/src/x.ts', importing('@portico/errors', 'zod', 'express', './coreServices')],
    );
    expect(frontendApi[0]).toMatch(/import no implementation or domain package/);
    expect(rulesIn(frontendApi)).toEqual(['plugin-api', 'plugin-api', 'plugin-api', 'plugin-api']);
    // the host is a node package too, so the frontend rule objects as well
    expect(rulesIn(host)).toEqual(['frontend', 'plugin-api']);
    expect(rulesIn(backendApi)).toEqual(['plugin-api', 'plugin-api', 'plugin-api']);
    expect(allowed).toEqual([]);
  });

  it('lets the plugin APIs and isomorphic packages use @portico/types, which is isomorphic itself', () => {
    const [types, backendApi, frontendApi, common] = lintAs(
      ['packages/types/src/x.ts', importing('node:fs', '@portico/backend-plugin-api')],
      ['packages/backend-plugin-api/src/x.ts', importing('@portico/types')],
      ['packages/frontend-plugin-api/src/x.ts', importing('@portico/types')],
      ['plugins/scaffolder-common/src/x.ts', importing('@portico/types')],
    );
    expect(rulesIn(types)).toEqual(['isomorphic', 'isomorphic']);
    expect([...backendApi, ...frontendApi, ...common]).toEqual([]);
  });

  it('lets a plugin reach another plugin only through its -common, -node or -react package', () => {
    const [backend, frontend, example, allowed] = lintAs(
      ['plugins/scorecards-backend/src/x.ts', importing('@portico/plugin-catalog-backend', '@portico/plugin-catalog-backend/src/database/CatalogStore')],
      ['plugins/scaffolder/src/x.tsx', importing('@portico/plugin-catalog')],
      ['examples/plugins/example/src/x.tsx', importing('@portico/plugin-scorecards')],
      ['plugins/scorecards-backend/src/x.ts', importing('@portico/plugin-catalog-node', '@portico/plugin-catalog-common', '@portico/plugin-scorecards-node')],
    );
    expect(backend[0]).toMatch(/only through its -common, -node or -react package/);
    expect(rulesIn(backend)).toEqual(['plugins', 'plugins']);
    expect(rulesIn(frontend)).toEqual(['plugins']);
    expect(rulesIn(example)).toEqual(['plugins']);
    expect(allowed).toEqual([]);
  });

  it('keeps frontend packages out of node packages', () => {
    const [plugin, host, allowed] = lintAs(
      ['plugins/scorecards-backend/src/x.ts', importing('@portico/plugin-catalog-react')],
      ['packages/cli/src/x.ts', importing('@portico/app', '@portico/frontend-plugin-api')],
      ['packages/cli/src/x.ts', importing('@portico/backend', '@portico/catalog-model', 'node:fs')],
    );
    expect(plugin[0]).toMatch(/node packages import no frontend package/);
    expect(rulesIn(plugin)).toEqual(['backend']);
    expect(rulesIn(host)).toEqual(['backend', 'backend']);
    expect(allowed).toEqual([]);
  });

  it('forbids reaching into another package by relative path', () => {
    const [intoPlugin, intoPackage, allowed] = lintAs(
      ['plugins/scorecards-backend/src/service/x.ts', importing('../../../catalog-backend/src/database/CatalogStore')],
      ['plugins/catalog/src/components/x.ts', importing('../../../../packages/core-components/src/index')],
      ['plugins/scorecards-backend/src/service/x.ts', importing('../database/x', './y', '..')],
    );
    expect(intoPlugin[0]).toMatch(/do not reach into another package by relative path/);
    expect(rulesIn(intoPlugin)).toEqual(['relative']);
    expect(rulesIn(intoPackage)).toEqual(['relative']);
    expect(allowed).toEqual([]);
  });

  it('refuses unsanitized HTML in packages and plugins: dangerouslySetInnerHTML, innerHTML, insertAdjacentHTML', () => {
    const [jsx, assigned, inserted, text] = lintAs(
      ['plugins/catalog/src/x.tsx', 'export const X = ({ html }: { html: string }) => <div dangerouslySetInnerHTML={{ __html: html }} />;\n'],
      ['packages/app/src/x.ts', 'export function put(el: HTMLElement, html: string) { el.innerHTML = html; }\n'],
      ['plugins/scaffolder/src/x.ts', "export function put(el: HTMLElement, html: string) { el.insertAdjacentHTML('beforeend', html); }\n"],
      ['plugins/catalog/src/x.tsx', 'export const X = ({ text }: { text: string }) => <div>{text}</div>;\n'],
    );
    for (const messages of [jsx, assigned, inserted]) expect(messages).toEqual([expect.stringMatching(/^Unsanitized HTML/)]);
    expect(text).toEqual([]);
  });
});
