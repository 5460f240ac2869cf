import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { createGzip, gunzip } from 'node:zlib';
import { resolveSafeChildPath } from './resolveSafeChildPath';

/**
 * A run's workspace as one gzip-compressed buffer, so that it can be kept in the database after each completed
 * step and unpacked by whichever instance resumes the run. The format is ours and small: `PWS1`, then per entry a
 * type byte (file, directory, symbolic link), the relative path, the mode and the content (a link's target).
 */
const MAGIC = Buffer.from('PWS1');
const FILE = 0;
const DIRECTORY = 1;
const SYMLINK = 2;

/** The workspace packed is over the cap: the message names the run, the size and the setting. */
export class WorkspaceTooLargeError extends Error {
  name = 'WorkspaceTooLargeError';
}

function header(type: number, relPath: string, mode: number, size: number): Buffer {
  const name = Buffer.from(relPath, 'utf8');
  const head = Buffer.alloc(1 + 4 + name.length + 4 + 8);
  head.writeUInt8(type, 0);
  head.writeUInt32BE(name.length, 1);
  name.copy(head, 5);
  head.writeUInt32BE(mode & 0o7777, 5 + name.length);
  head.writeBigUInt64BE(BigInt(size), 9 + name.length);
  return head;
}

async function* entries(root: string): AsyncGenerator<Buffer> {
  yield MAGIC;
  const walk = async function* (dir: string): AsyncGenerator<Buffer> {
    const names = (await fs.readdir(dir)).sort();
    for (const name of names) {
      const abs = path.join(dir, name);
      const rel = path.relative(root, abs).split(path.sep).join('/');
      const stat = await fs.lstat(abs);
      if (stat.isSymbolicLink()) {
        const target = Buffer.from(await fs.readlink(abs), 'utf8');
        yield header(SYMLINK, rel, stat.mode, target.length);
        yield target;
      } else if (stat.isDirectory()) {
        yield header(DIRECTORY, rel, stat.mode, 0);
        yield* walk(abs);
      } else if (stat.isFile()) {
        yield header(FILE, rel, stat.mode, stat.size);
        let read = 0;
        for await (const chunk of createReadStream(abs, { end: stat.size === 0 ? undefined : stat.size - 1 })) {
          read += (chunk as Buffer).length;
          yield chunk as Buffer;
        }
        if (read !== stat.size) throw new Error(`The file '${rel}' changed while the workspace was packed`);
      }
      // sockets, fifos and devices are not workspace content
    }
  };
  yield* walk(root);
}

/**
 * Packs `dir` (compressed). Stops as soon as the compressed size passes `maxBytes`, with an error that says
 * which setting to raise; memory use stays about the cap, whatever the workspace holds.
 */
export async function packWorkspace(dir: string, options: { maxBytes: number; what?: string }): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      if (size > options.maxBytes) {
        done(
          new WorkspaceTooLargeError(
            `${options.what ?? 'The workspace'} is over ${options.maxBytes} bytes compressed, the cap of scaffolder.workspace.maxBytes; ` +
              'raise it, or keep large files out of the workspace',
          ),
        );
        return;
      }
      chunks.push(chunk);
      done();
    },
  });
  await pipeline(Readable.from(entries(dir)), createGzip(), sink);
  return Buffer.concat(chunks, size);
}

/** Replaces the content of `dir` with the packed workspace. Links are made last, so no file is written through one. */
export async function unpackWorkspace(archive: Buffer, dir: string): Promise<void> {
  const data = await promisify(gunzip)(archive);
  if (!data.subarray(0, 4).equals(MAGIC)) throw new Error('The stored workspace is not a Portico workspace archive');
  await fs.rm(dir, { recursive: true, force: true });
  await fs.mkdir(dir, { recursive: true });
  const links: Array<{ target: string; at: string }> = [];
  let offset = 4;
  while (offset < data.length) {
    const type = data.readUInt8(offset);
    const nameLength = data.readUInt32BE(offset + 1);
    const rel = data.subarray(offset + 5, offset + 5 + nameLength).toString('utf8');
    const mode = data.readUInt32BE(offset + 5 + nameLength);
    const size = Number(data.readBigUInt64BE(offset + 9 + nameLength));
    const start = offset + 17 + nameLength;
    const content = data.subarray(start, start + size);
    offset = start + size;
    const at = resolveSafeChildPath(dir, rel);
    if (type === DIRECTORY) await fs.mkdir(at, { recursive: true, mode: mode || 0o755 });
    else if (type === FILE) {
      await fs.mkdir(path.dirname(at), { recursive: true });
      await fs.writeFile(at, content, { mode: mode || 0o644 });
    } else if (type === SYMLINK) links.push({ target: content.toString('utf8'), at });
    else throw new Error(`The stored workspace has an entry of unknown type ${type}`);
  }
  for (const link of links) {
    await fs.mkdir(path.dirname(link.at), { recursive: true });
    await fs.symlink(link.target, link.at);
  }
}
