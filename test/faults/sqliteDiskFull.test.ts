import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knex from 'knex';
import { startInstance, waitFor, type PorticoInstance } from '../instances/porticoInstance';

jest.setTimeout(60_000);

const sqlite = { client: 'better-sqlite3' };
const N = 200;

const component = (name: string) =>
  `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: service\n  lifecycle: production\n  owner: group:default/payments\n`;

/** Writes zeros into `file` until the filesystem refuses (ENOSPC): the disk is then full. */
function fillDisk(file: string): void {
  const fd = fs.openSync(file, 'w');
  const chunk = Buffer.alloc(256 * 1024);
  try {
    for (;;) fs.writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    fs.closeSync(fd);
  }
  // the last partial block too
  const rest = fs.openSync(file, 'a');
  try {
    for (;;) fs.writeSync(rest, Buffer.alloc(512));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    fs.closeSync(rest);
  }
}

describe('a full disk under the SQLite data directory', () => {
  // A real small filesystem: a 64 MB tmpfs mounted for the test (the test runs as root in a container).
  const mountPoint = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-full-'));
  const files = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-full-files-'));
  const dataDir = path.join(mountPoint, 'data');
  const filler = path.join(mountPoint, 'filler');
  const running: PorticoInstance[] = [];

  beforeAll(() => {
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64m', 'tmpfs', mountPoint], { stdio: 'pipe' });
    } catch (error) {
      throw new Error(`this test mounts a small tmpfs as the data directory, which failed (root in a container is needed): ${(error as Error).message}`, { cause: error });
    }
    fs.mkdirSync(dataDir);
    const all = Array.from({ length: N }, (_, i) => component(`before-${i}`)).join('---\n');
    fs.writeFileSync(path.join(files, 'before.yaml'), all);
    fs.writeFileSync(path.join(files, 'after.yaml'), Array.from({ length: 50 }, (_, i) => component(`after-${i}`)).join('---\n'));
  });
  afterAll(async () => {
    await Promise.all(running.map(i => i.kill()));
    try {
      execFileSync('umount', [mountPoint], { stdio: 'pipe' });
    } catch {
      // not mounted
    }
    fs.rmSync(mountPoint, { recursive: true, force: true });
    fs.rmSync(files, { recursive: true, force: true });
  });

  it('refuses a write with a clear error naming the full disk, and keeps the data intact across a restart', async () => {
    const config = { integrations: { file: { roots: [files] } }, catalog: { locations: [{ type: 'file', target: path.join(files, 'before.yaml') }] } };
    const first = await startInstance({ database: sqlite, dataDir, config });
    running.push(first);
    const components = async (instance: PorticoInstance) => {
      const res = await instance.call('GET', '/api/catalog/entities?filter=kind=component&fields=metadata.name');
      return res.status === 200 ? (res.body as Array<{ metadata: { name: string } }>).map(e => e.metadata.name) : [];
    };
    await waitFor(`${N} components`, async () => (await components(first)).length === N);

    fillDisk(filler);
    const refused = await first.call('POST', '/api/catalog/locations', { type: 'file', target: path.join(files, 'after.yaml') });
    console.log(`write on a full disk: ${refused.status} ${JSON.stringify(refused.body)}`);
    // reads still work
    expect((await components(first)).length).toBe(N);
    await first.stop();
    expect(await first.exited).toBe(0);

    // every database file is consistent, and the earlier entities are all there after a restart
    const databaseFiles = fs.readdirSync(dataDir).filter(f => /\.(sqlite|db)$/.test(f));
    expect(databaseFiles).toContain('catalog.sqlite');
    for (const file of databaseFiles) {
      const db = knex({ client: 'better-sqlite3', connection: { filename: path.join(dataDir, file), options: { readonly: true } }, useNullAsDefault: true });
      try {
        const rows = (await db.raw('PRAGMA integrity_check')) as Array<{ integrity_check: string }>;
        expect([file, rows.map(r => r.integrity_check)]).toEqual([file, ['ok']]);
      } finally {
        await db.destroy();
      }
    }
    fs.rmSync(filler);
    const second = await startInstance({ database: sqlite, dataDir, config });
    running.push(second);
    await waitFor(`${N} components after the restart`, async () => (await components(second)).length >= N);
    expect((await components(second)).filter(n => n.startsWith('before-')).sort()).toEqual(Array.from({ length: N }, (_, i) => `before-${i}`).sort());
    // with space again, writes work
    const accepted = await second.call('POST', '/api/catalog/locations', { type: 'file', target: path.join(files, 'after.yaml') });
    expect(accepted.status).toBeLessThan(300);

    // the refused write said why: the disk is full (checked last, so that the checks above run either way)
    expect([503, 507]).toContain(refused.status);
    expect(JSON.stringify(refused.body)).toMatch(/disk|space|full/i);
  });
});
