import fs from 'node:fs/promises';
import path from 'node:path';
import { InputError, NotAllowedError } from '@portico/errors';

/** Resolves `target` inside `base`; a path that escapes it (`../`, absolute elsewhere) or holds a NUL is an InputError. */
export function resolveSafeChildPath(base: string, target: string): string {
  if (target.includes('\0')) throw new InputError(`Path ${JSON.stringify(target)} contains a NUL character`);
  const root = path.resolve(base);
  const resolved = path.resolve(root, target);
  if (!isInside(root, resolved)) {
    throw new InputError(`Relative path '${target}' is not allowed to refer to a directory outside the workspace`);
  }
  return resolved;
}

/** True when `target` is `root` or below it (both absolute). */
export function isInside(root: string, target: string): boolean {
  const rel = path.relative(root, target);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

/**
 * The real path of `target` when parts of it do not exist yet: the deepest existing ancestor is
 * resolved (symlinks followed) and the missing rest appended. A dangling symlink on the way is
 * refused, since writing through it would create its target wherever it points.
 */
export async function realPathOf(target: string): Promise<string> {
  const missing: string[] = [];
  let current = path.resolve(target);
  for (;;) {
    try {
      return path.join(await fs.realpath(current), ...missing.reverse());
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw e;
      if (await fs.lstat(current).then(s => s.isSymbolicLink(), () => false)) {
        throw new NotAllowedError(`'${current}' is a symbolic link to a path that does not exist`);
      }
      const parent = path.dirname(current);
      if (parent === current) return path.resolve(target);
      missing.push(path.basename(current));
      current = parent;
    }
  }
}

/**
 * Refuses `target` (an absolute path inside `root`) when following symlinks leads outside the
 * real `root`: the workspace may hold links planted by fetched files or custom actions. With
 * `followLast: false` the last component may itself be a link (renaming or deleting a link
 * touches the link, not what it points to).
 */
export async function assertRealPathInside(root: string, target: string, options: { followLast?: boolean; what?: string } = {}): Promise<void> {
  const realRoot = await realPathOf(root);
  const lexical = path.resolve(target);
  const checked = options.followLast === false && lexical !== path.resolve(root) ? path.dirname(lexical) : lexical;
  const real = await realPathOf(checked);
  if (!isInside(realRoot, real)) {
    const shown = path.relative(path.resolve(root), lexical).split(path.sep).join('/') || '.';
    throw new NotAllowedError(`Path '${shown}' leads outside the ${options.what ?? 'workspace'} through a symbolic link`);
  }
}
