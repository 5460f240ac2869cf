import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError, NotAllowedError, type IntegrationsService, type ReadTreeFile } from '@portico/backend-plugin-api';

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

async function walk(dir: string, prefix = ''): Promise<ReadTreeFile[]> {
  const out: ReadTreeFile[] = [];
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const abs = path.join(dir, entry.name);
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    // Symlinks are not followed: they could point outside the skeleton.
    if (entry.isDirectory()) out.push(...(await walk(abs, rel)));
    else if (entry.isFile()) out.push({ path: rel, content: () => fs.readFile(abs) });
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
      const inside = roots.some(root => {
        const rel = path.relative(path.resolve(root), dir);
        return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
      });
      if (!inside) throw new NotAllowedError(`Reading '${target}' is not allowed: it is outside the template's directory and integrations.file.roots`);
      const stat = await fs.stat(dir).catch(() => undefined);
      if (!stat?.isDirectory()) throw new InputError(`Skeleton directory '${target}' does not exist`);
      return walk(dir);
    }
    if (!this.options.integrations) throw new InputError(`No integration can read '${target}'`);
    return this.options.integrations.readTree(target, { signal });
  }
}
