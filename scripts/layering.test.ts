import { execFileSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '..');

/** Lints a snippet as if it were the given file and returns eslint's messages. */
function lintAs(file: string, code: string): string[] {
  try {
    execFileSync(process.execPath, [path.join(root, 'node_modules/eslint/bin/eslint.js'), '--stdin', '--stdin-filename', file, '--format', 'json'], {
      cwd: root,
      input: code,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    return [];
  } catch (e) {
    const out = (e as { stdout?: Buffer }).stdout?.toString() ?? '[]';
    const results = JSON.parse(out) as Array<{ messages: Array<{ message: string }> }>;
    return results.flatMap(r => r.messages.map(m => m.message));
  }
}

describe('layering lint rules', () => {
  it('forbids backend-plugin-api from importing the host', () => {
    const messages = lintAs('packages/backend-plugin-api/src/x.ts', "import { createBackend } from '@portico/backend';\nexport const y = createBackend;\n");
    expect(messages.join('\n')).toMatch(/must not import the host/);
  });

  it('forbids a plugin from importing another plugin other than its -common/-node/-react package', () => {
    const messages = lintAs('plugins/scorecards-backend/src/x.ts', "import { a } from '@portico/plugin-catalog-backend';\nimport { b } from '@portico/plugin-catalog-node';\nexport const y = [a, b];\n");
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/only through their -common, -node or -react package/);
  });

  it('forbids node built-ins and the DOM in isomorphic packages', () => {
    const messages = lintAs('packages/catalog-model/src/x.ts', "import fs from 'node:fs';\nimport path from 'path';\nexport const y = [fs, path, window.location];\n");
    expect(messages.join('\n')).toMatch(/must not import node built-ins/);
    expect(messages.join('\n')).toMatch(/neither the DOM nor node globals/);
  });

  it('lets isomorphic packages import other isomorphic packages', () => {
    expect(lintAs('plugins/catalog-common/src/x.ts', "import { InputError } from '@portico/errors';\nexport const y = InputError;\n")).toEqual([]);
  });
});
