import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const { startPortal } = require('./lib/portal') as {
  startPortal(options?: object): Promise<{ url: string; token: string; stop(): Promise<void> }>;
};

/**
 * Every `curl` in a ```sh block of docs/ is run, as written, against a portal started with the repository's
 * app-config and the example organisation: `http://localhost:7007` becomes the test portal's address, `$CI_TOKEN`
 * its access token, and a placeholder `<pageInfo.nextCursor>` the value the previous answer gave. A command passes
 * when curl gets a 2xx answer.
 */
const repoRoot = path.resolve(__dirname, '..');

interface DocCommand {
  doc: string;
  line: number;
  /** Assignments (`B=...`) made earlier in the same block, then the command. */
  script: string;
  command: string;
}

function markdownFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return markdownFiles(full);
    return entry.name.endsWith('.md') ? [full] : [];
  });
}

export function curlCommands(markdown: string, doc: string): DocCommand[] {
  const lines = markdown.split('\n');
  const commands: DocCommand[] = [];
  let inShell = false;
  let assignments: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (/^```(sh|bash|shell)\s*$/.test(line)) {
      inShell = true;
      assignments = [];
      continue;
    }
    if (!inShell) continue;
    if (/^```\s*$/.test(line)) {
      inShell = false;
      continue;
    }
    if (/^[A-Z_][A-Z0-9_]*=/.test(line)) assignments.push(line);
    if (!/^curl\s/.test(line)) continue;
    let command = line;
    const start = i;
    while (command.endsWith('\\') && i + 1 < lines.length) command = `${command.slice(0, -1)} ${lines[++i].trim()}`;
    commands.push({ doc, line: start + 1, command, script: [...assignments, command].join('\n') });
  }
  return commands;
}

/** `<a.b>` placeholders, filled from the previous answer's JSON. */
function fillPlaceholders(script: string, previous: unknown): string {
  return script.replace(/<([a-zA-Z][\w.]*)>/g, (match, dotted: string) => {
    const value = dotted.split('.').reduce<unknown>((at, key) => (at && typeof at === 'object' ? (at as Record<string, unknown>)[key] : undefined), previous);
    return typeof value === 'string' ? encodeURIComponent(value) : match;
  });
}

describe('curl commands in the docs', () => {
  const commands = markdownFiles(path.join(repoRoot, 'docs')).flatMap(file =>
    curlCommands(fs.readFileSync(file, 'utf8'), path.relative(repoRoot, file)),
  );
  let portal: Awaited<ReturnType<typeof startPortal>>;

  beforeAll(async () => {
    if (!fs.existsSync(path.join(repoRoot, 'packages/cli/dist/index.js'))) {
      const built = spawnSync(process.execPath, ['scripts/build.js', '--no-app'], { cwd: repoRoot, stdio: 'inherit' });
      if (built.status !== 0) throw new Error('building the node packages failed');
    }
    portal = await startPortal({ logDir: 'artifacts/doc-curls' });
  }, 180_000);
  afterAll(async () => {
    await portal?.stop();
  });

  it("finds the catalog's and the other guides' examples", () => {
    expect(commands.filter(c => c.doc === path.join('docs', 'catalog.md')).length).toBeGreaterThan(10);
    expect(commands.some(c => c.doc === path.join('docs', 'scorecards.md'))).toBe(true);
  });

  it('each gets a 2xx answer from a portal with the example organisation', async () => {
    const failures: string[] = [];
    let previous: unknown;
    for (const command of commands) {
      const script = fillPlaceholders(command.script.replaceAll('http://localhost:7007', portal.url), previous);
      const result = spawnSync('bash', ['-c', `curl() { command curl -sS --fail-with-body --max-time 30 "$@"; }\n${script}`], {
        encoding: 'utf8',
        env: { ...process.env, CI_TOKEN: portal.token },
        timeout: 60_000,
      });
      try {
        previous = JSON.parse(result.stdout);
      } catch {
        previous = undefined;
      }
      if (result.status !== 0) failures.push(`${command.doc}:${command.line}: ${command.command}\n  -> ${result.stderr.trim()} ${result.stdout.slice(0, 300)}`);
    }
    expect(failures).toEqual([]);
  }, 180_000);
});

describe('curlCommands', () => {
  it('joins continued lines and keeps the assignments made before a command in its block', () => {
    const md = ['```sh', 'B=http://x', 'curl "$B/a" \\', "  -d '{}'", '# curl "$B/not-a-command"', '```', 'curl outside', '```sh', 'curl "$B/b"', '```'].join('\n');
    expect(curlCommands(md, 'd.md')).toEqual([
      { doc: 'd.md', line: 3, command: `curl "$B/a"  -d '{}'`, script: `B=http://x\ncurl "$B/a"  -d '{}'` },
      { doc: 'd.md', line: 9, command: 'curl "$B/b"', script: 'curl "$B/b"' },
    ]);
  });
});
