import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Every ```ts complete (or ```tsx complete) block in docs/ is a whole file that must compile as is under the
 * repository's strict settings: the marker is the promise a reader can paste the block into a file. Blocks are
 * written to a temporary folder under node_modules/.cache (so `@portico/*` imports resolve to the workspace
 * sources), type-checked with one tsc run, and the folder is removed.
 */
const repoRoot = path.resolve(__dirname, '..');
const docsDir = path.join(repoRoot, 'docs');
const FENCE = /^```(tsx?) complete\s*$/;

interface Snippet {
  doc: string;
  line: number;
  ext: 'ts' | 'tsx';
  code: string;
}

function markdownFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return markdownFiles(full);
    return entry.name.endsWith('.md') ? [full] : [];
  });
}

export function completeSnippets(markdown: string, doc: string): Snippet[] {
  const lines = markdown.split('\n');
  const snippets: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]);
    if (!open) continue;
    const end = lines.findIndex((line, j) => j > i && /^```\s*$/.test(line));
    if (end < 0) throw new Error(`${doc}:${i + 1}: a complete block is never closed`);
    snippets.push({ doc, line: i + 2, ext: open[1] as 'ts' | 'tsx', code: lines.slice(i + 1, end).join('\n') });
    i = end;
  }
  return snippets;
}

/** Type-checks files (name -> source) in a fresh folder; returns tsc's diagnostics with the file names kept. */
function typeCheck(files: Record<string, string>): { status: number | null; output: string } {
  const cacheDir = path.join(repoRoot, 'node_modules', '.cache');
  fs.mkdirSync(cacheDir, { recursive: true });
  const dir = fs.mkdtempSync(path.join(cacheDir, 'portico-doc-snippets-'));
  try {
    for (const [name, source] of Object.entries(files)) {
      // `export {}` makes every block a module of its own, so two blocks may declare the same names.
      fs.writeFileSync(path.join(dir, name), `${source}\nexport {};\n`);
    }
    fs.writeFileSync(
      path.join(dir, 'tsconfig.json'),
      JSON.stringify({
        extends: path.join(repoRoot, 'tsconfig.json'),
        compilerOptions: { noEmit: true, noUnusedLocals: false, types: ['node'] },
        include: ['*.ts', '*.tsx'],
      }),
    );
    const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = spawnSync(process.execPath, [tsc, '-p', path.join(dir, 'tsconfig.json'), '--pretty', 'false'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 170_000,
    });
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('documentation snippets marked complete', () => {
  const snippets = markdownFiles(docsDir).flatMap(file => completeSnippets(fs.readFileSync(file, 'utf8'), path.relative(repoRoot, file)));

  it('finds the marked blocks, the service of docs/backend-plugins.md among them', () => {
    expect(snippets.some(s => s.doc === path.join('docs', 'backend-plugins.md') && s.code.includes('createServiceRef'))).toBe(true);
  });

  it('compile under strict TypeScript, and a broken block would fail', () => {
    const files: Record<string, string> = {};
    const origin = new Map<string, Snippet>();
    snippets.forEach((snippet, i) => {
      const name = `snippet${i}.${snippet.ext}`;
      files[name] = snippet.code;
      origin.set(name, snippet);
    });
    // The canary proves the check sees errors in these files at all.
    files['canary.ts'] = "const n: number = 'not a number';\nconsole.log(n);";
    const { output } = typeCheck(files);
    const errors = output.split('\n').filter(line => /error TS\d+/.test(line));
    expect(errors.some(line => line.startsWith('canary.ts'))).toBe(true);
    const fromDocs = errors
      .filter(line => !line.startsWith('canary.ts'))
      .map(line => {
        const match = /^(snippet\d+\.tsx?)\((\d+),\d+\): (.*)$/.exec(line);
        const snippet = match && origin.get(match[1]);
        return snippet ? `${snippet.doc}:${snippet.line + Number(match[2]) - 1}: ${match[3]}` : line;
      });
    expect(fromDocs).toEqual([]);
  }, 180_000);
});

describe('completeSnippets', () => {
  it('takes only blocks marked complete, with the line their code starts on', () => {
    const md = ['# t', '```ts', 'partial()', '```', '```ts complete', 'const a = 1;', '```', '```tsx complete', 'x', '```'].join('\n');
    expect(completeSnippets(md, 'd.md')).toEqual([
      { doc: 'd.md', line: 6, ext: 'ts', code: 'const a = 1;' },
      { doc: 'd.md', line: 9, ext: 'tsx', code: 'x' },
    ]);
  });
});
