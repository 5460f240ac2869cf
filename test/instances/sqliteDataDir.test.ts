import fs from 'node:fs';
import path from 'node:path';
import { spawnInstance, startInstance, type PorticoInstance } from './porticoInstance';

jest.setTimeout(180_000);

const sqlite = { client: 'better-sqlite3' };

describe('two instances on one SQLite data directory', () => {
  const started: PorticoInstance[] = [];
  afterAll(async () => {
    await Promise.all(started.map(i => i.stop()));
    const dir = started[0]?.dataDir;
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses the second with a message, takes over the lock of a killed one, and frees it on exit', async () => {
    const first = await startInstance({ database: sqlite });
    started.push(first);
    const lockFile = path.join(first.dataDir, 'portico.lock');
    expect(JSON.parse(fs.readFileSync(lockFile, 'utf8'))).toMatchObject({ pid: first.child.pid });

    const second = await spawnInstance({ database: sqlite, dataDir: first.dataDir });
    started.push(second);
    expect(await second.exited).toBe(1);
    expect(second.output()).toContain('portico start failed');
    // said once, by the host's log or the CLI's line, never both
    expect(second.output().split('Another Portico instance').length - 1).toBe(1);
    expect(second.output()).toMatch(new RegExp(`Another Portico instance \\(pid ${first.child.pid}\\) is using the SQLite data directory ${first.dataDir}.*run several instances on PostgreSQL`));
    // the first one is unaffected
    expect((await first.call('GET', '/api/catalog/entities?limit=1')).status).toBe(200);

    // a crash leaves the file behind; the next start sees its process is gone and takes it over
    await first.kill();
    expect(fs.existsSync(lockFile)).toBe(true);
    const third = await startInstance({ database: sqlite, dataDir: first.dataDir });
    started.push(third);
    expect(JSON.parse(fs.readFileSync(lockFile, 'utf8'))).toMatchObject({ pid: third.child.pid });

    await third.stop();
    expect(fs.existsSync(lockFile)).toBe(false);
  });
});
