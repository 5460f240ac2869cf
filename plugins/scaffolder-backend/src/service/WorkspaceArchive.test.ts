import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { packWorkspace, unpackWorkspace, WorkspaceTooLargeError } from './WorkspaceArchive';

describe('workspace archive', () => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'workspace-archive-'));
  afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

  it('unpacks what it packed: files with their modes, empty directories and links, replacing what was there', async () => {
    const from = path.join(base, 'from');
    fs.mkdirSync(path.join(from, 'src/empty'), { recursive: true });
    fs.writeFileSync(path.join(from, 'README.md'), '# hello\n');
    fs.writeFileSync(path.join(from, 'src/run.sh'), '#!/bin/sh\necho hi\n', { mode: 0o755 });
    fs.writeFileSync(path.join(from, 'empty.txt'), '');
    fs.symlinkSync('README.md', path.join(from, 'link'));
    const archive = await packWorkspace(from, { maxBytes: 1024 * 1024 });

    const to = path.join(base, 'to');
    fs.mkdirSync(to);
    fs.writeFileSync(path.join(to, 'stale.txt'), 'from an interrupted step');
    await unpackWorkspace(archive, to);
    expect(fs.readdirSync(to).sort()).toEqual(['README.md', 'empty.txt', 'link', 'src']);
    expect(fs.readFileSync(path.join(to, 'README.md'), 'utf8')).toBe('# hello\n');
    expect(fs.statSync(path.join(to, 'src/run.sh')).mode & 0o777).toBe(0o755);
    expect(fs.readdirSync(path.join(to, 'src/empty'))).toEqual([]);
    expect(fs.readFileSync(path.join(to, 'empty.txt'), 'utf8')).toBe('');
    expect(fs.readlinkSync(path.join(to, 'link'))).toBe('README.md');
  });

  it('refuses a workspace over the cap, naming the setting and the run', async () => {
    const big = path.join(base, 'big');
    fs.mkdirSync(big);
    fs.writeFileSync(path.join(big, 'noise.bin'), randomBytes(256 * 1024)); // incompressible
    const packing = packWorkspace(big, { maxBytes: 64 * 1024, what: "The workspace of run r1 after step 'fetch'" });
    await expect(packing).rejects.toThrow(WorkspaceTooLargeError);
    await expect(packing).rejects.toThrow("The workspace of run r1 after step 'fetch' is over 65536 bytes compressed, the cap of scaffolder.workspace.maxBytes");
  });

  it('refuses an archive that is not one of its own', async () => {
    const { gzipSync } = await import('node:zlib');
    await expect(unpackWorkspace(gzipSync(Buffer.from('tar or something')), path.join(base, 'x'))).rejects.toThrow('not a Portico workspace archive');
  });
});
