import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type IntegrationsService, type ReadTreeFile } from '@portico/backend-plugin-api';
import { InputError, NotAllowedError } from '@portico/errors';
import { isInside, realPathOf } from './resolveSafeChildPath';

/** Reads a skeleton directory for fetch:plain and fetch:template. */
export interface SkeletonReader {
  readTree(options: { url: string; baseUrl?: string; signal?: AbortSignal }): Promise<ReadTreeFile[]>;
}

/** Resolves a skeleton URL relative to the template's location. */
export function resolveSkeletonUrl(url: string, baseUrl?: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(url)) return url;
  if (!baseUrl) throw new InputError(`Cannot resolve the relative URL '${url}': the template has no location (backstage.io/managed-by-location)`);
  return new URL(url, baseUrl).toString();
}

/**
 * Lists the files of a skeleton directory. A symlink is followed only when its real path stays
 * inside one of the real roots; one that leads outside fails the read (a link to `/etc` in a
 * skeleton is an attack or a mistake, and both deserve an error rather than a silent skip).
 */
async function walk(dir: string, realRoots: string[], prefix = '', visiting: string[] = []): Promise<ReadTreeFile[]> {
  const out: ReadTreeFile[] = [];
  const realDir = await fs.realpath(dir);
  if (visiting.includes(realDir)) return out; // a link back to a directory being walked
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const abs = path.join(dir, entry.name);
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    let target = abs;
    let isDirectory = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      target = await fs.realpath(abs).catch(() => '');
      if (!target) continue; // dangling: nothing to read
      if (!realRoots.some(root => isInside(root, target))) {
        throw new NotAllowedError(`Skeleton entry '${rel}' is a symbolic link to a path outside the template's directory and integrations.file.roots`);
      }
      const stat = await fs.stat(target);
      isDirectory = stat.isDirectory();
      isFile = stat.isFile();
    }
    if (isDirectory) out.push(...(await walk(target, realRoots, rel, [...visiting, realDir])));
    else if (isFile) out.push({ path: rel, content: () => fs.readFile(target) });
  }
  return out;
}

/**
 * `file:` skeletons are read from disk, but only inside the template's own directory or one of
 * `fileRoots`; other URLs go through the integrations service (GitHub, ...).
 */
export class DefaultSkeletonReader implements SkeletonReader {
  constructor(private readonly options: { fileRoots?: string[]; integrations?: IntegrationsService }) {}

  async readTree({ url, baseUrl, signal }: { url: string; baseUrl?: string; signal?: AbortSignal }): Promise<ReadTreeFile[]> {
    const target = resolveSkeletonUrl(url, baseUrl);
    if (target.startsWith('file:')) {
      const dir = path.resolve(fileURLToPath(target));
      const roots = [...(this.options.fileRoots ?? [])];
      if (baseUrl?.startsWith('file:')) roots.push(path.dirname(fileURLToPath(baseUrl)));
      // Compared by real path: a symlinked directory inside a root may point anywhere.
      const realRoots = await Promise.all(roots.map(root => realPathOf(root)));
      const realDir = await realPathOf(dir);
      if (!realRoots.some(root => isInside(root, realDir))) {
        const how = roots.some(root => isInside(path.resolve(root), dir)) ? ' through a symbolic link' : '';
        throw new NotAllowedError(`Reading '${target}' is not allowed: it leads outside the template's directory and integrations.file.roots${how}`);
      }
      const stat = await fs.stat(realDir).catch(() => undefined);
      if (!stat?.isDirectory()) throw new InputError(`Skeleton directory '${target}' does not exist`);
      return walk(realDir, realRoots);
    }
    if (!this.options.integrations) throw new InputError(`No integration can read '${target}'`);
    return this.options.integrations.readTree(target, { signal });
  }
}
