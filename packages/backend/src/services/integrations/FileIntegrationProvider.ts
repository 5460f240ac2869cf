import fsSync from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import type {
  ConfigService,
  IntegrationProvider,
  ReadTreeFile,
  ReadUrlOptions,
  ReadUrlResult,
} from '@portico/backend-plugin-api';
import { InputError, NotFoundError } from '@portico/errors';

/** `integrations.file` in app-config. */
export const fileIntegrationConfigSchema = z
  .object({
    /** Directories `file:` URLs may be read from; relative paths resolve against the working directory. */
    roots: z.array(z.string().min(1)).default([]),
  })
  .optional();

export interface FileReadUrlOptions extends ReadUrlOptions {
  /**
   * Trusted callers only (files named by app-config, never user input): read outside the roots.
   * `..` and symlinks are still resolved; only the roots check is skipped.
   */
  allowOutsideRoots?: boolean;
}

export const DEFAULT_FILE_MAX_BYTES = 10 * 1024 * 1024;
/** Files up to this size are read synchronously (see readUrl). */
const SMALL_FILE_BYTES = 256 * 1024;
const SKIPPED_DIRS = new Set(['.git', 'node_modules']);

async function realpathOrResolved(p: string): Promise<string> {
  try {
    return await fs.realpath(p);
  } catch {
    return path.resolve(p);
  }
}

function isInside(root: string, target: string): boolean {
  const relative = path.relative(root, target);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/** The built-in `file` provider: reads `file:` URLs under `integrations.file.roots` only. */
export class FileIntegrationProvider implements IntegrationProvider {
  readonly id = 'file';
  readonly configSchema = fileIntegrationConfigSchema;
  private realRoots?: Promise<string[]>;

  static fromConfig(config: ConfigService, options: { cwd?: string } = {}): FileIntegrationProvider {
    const parsed = config.parse('integrations.file', fileIntegrationConfigSchema);
    const cwd = options.cwd ?? process.cwd();
    return new FileIntegrationProvider((parsed?.roots ?? []).map(r => path.resolve(cwd, r)));
  }

  constructor(
    /** Absolute root directories. */
    readonly roots: string[],
  ) {}

  private getRealRoots(): Promise<string[]> {
    this.realRoots ??= Promise.all(this.roots.map(realpathOrResolved));
    return this.realRoots;
  }

  describeTargets(): string[] {
    return this.roots.map(r => pathToFileURL(r).href);
  }

  serves(url: URL): boolean {
    return url.protocol === 'file:';
  }

  /** The real path of a `file:` URL, refused (InputError) if it lies outside the roots. */
  private async resolveTarget(url: string, allowOutsideRoots = false): Promise<string> {
    let decoded: string;
    try {
      decoded = decodeURIComponent(url);
    } catch {
      throw new InputError(`Invalid file URL '${url}': malformed percent-encoding`);
    }
    if (/(^|[/\\])\.\.([/\\]|$)/.test(decoded)) {
      throw new InputError(`Refusing to read ${url}: '..' path segments are not allowed`);
    }
    let filePath: string;
    try {
      const parsed = new URL(url);
      if (parsed.protocol !== 'file:') throw new Error('not a file URL');
      filePath = fileURLToPath(parsed);
    } catch (error) {
      throw new InputError(`Invalid file URL '${url}': ${(error as Error).message}`);
    }
    let real: string;
    try {
      // one system call, done at once: the promise API costs a turn of a loaded event loop per call (see readUrl)
      real = fsSync.realpathSync.native(filePath);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new NotFoundError(`File not found: ${url}`);
      throw error;
    }
    if (allowOutsideRoots) return real;
    const roots = await this.getRealRoots();
    if (!roots.some(root => isInside(root, real))) {
      const allowed = roots.length ? roots.join(', ') : 'none configured (integrations.file.roots)';
      throw new InputError(`Refusing to read ${url}: it is outside the allowed file roots (${allowed})`);
    }
    return real;
  }

  async readUrl(url: string, options: FileReadUrlOptions = {}): Promise<ReadUrlResult & { notModified?: boolean }> {
    options.signal?.throwIfAborted();
    const real = await this.resolveTarget(url, options.allowOutsideRoots);
    const stat = fsSync.statSync(real);
    if (stat.isDirectory()) throw new InputError(`${url} is a directory; read it with readTree`);
    const maxBytes = options.maxBytes ?? DEFAULT_FILE_MAX_BYTES;
    if (stat.size > maxBytes) {
      throw new InputError(`${url} is ${stat.size} bytes, more than the limit of ${maxBytes} bytes`);
    }
    const etag = `${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}`;
    if (options.etag && options.etag === etag) return { text: '', url, etag, notModified: true };
    // A small file is read at once. Through the promise API, realpath, stat, open, read and close each waited for a
    // turn of the event loop: with requests queued (an ingestion under traffic) registering a one-entity file spent
    // 0.1-0.9 s in these reads alone (bench/load --during-ingestion). A local read of SMALL_FILE_BYTES takes well
    // under a millisecond; larger files are read without blocking the thread.
    const text = stat.size <= SMALL_FILE_BYTES
      ? fsSync.readFileSync(real, 'utf8')
      : await fs.readFile(real, { encoding: 'utf8', signal: options.signal });
    return { text, url, etag };
  }

  async readTree(url: string, options: { signal?: AbortSignal } = {}): Promise<ReadTreeFile[]> {
    const root = await this.resolveTarget(url);
    const stat = await fs.stat(root);
    if (!stat.isDirectory()) throw new InputError(`${url} is not a directory`);
    const realRoots = await this.getRealRoots();
    const files: ReadTreeFile[] = [];
    const walk = async (dir: string): Promise<void> => {
      options.signal?.throwIfAborted();
      const entries = await fs.readdir(dir, { withFileTypes: true });
      entries.sort((a, b) => a.name.localeCompare(b.name));
      for (const entry of entries) {
        if (SKIPPED_DIRS.has(entry.name)) continue;
        const full = path.join(dir, entry.name);
        let target = full;
        let isDir = entry.isDirectory();
        if (entry.isSymbolicLink()) {
          // Follow a symlink only if it stays inside the roots.
          target = await realpathOrResolved(full);
          if (!realRoots.some(r => isInside(r, target))) continue;
          const targetStat = await fs.stat(target).catch(() => undefined);
          if (!targetStat) continue;
          isDir = targetStat.isDirectory();
          if (isDir && isInside(target, dir)) continue; // a loop back to an ancestor
        } else if (!entry.isFile() && !isDir) {
          continue;
        }
        if (isDir) {
          await walk(full);
        } else {
          const relative = path.relative(root, full).split(path.sep).join('/');
          files.push({ path: relative, content: () => fs.readFile(target) });
        }
      }
    };
    await walk(root);
    return files;
  }

  resolveUrl({ base, url }: { base: string; url: string }): string {
    try {
      return new URL(url, base).toString();
    } catch {
      throw new InputError(`Cannot resolve '${url}' against ${base}`);
    }
  }
}
