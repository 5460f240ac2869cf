import path from 'node:path';
import { InputError } from '@portico/backend-plugin-api';

/** Resolves `target` inside `base`; a path that escapes it (`../`, absolute elsewhere) is an InputError. */
export function resolveSafeChildPath(base: string, target: string): string {
  const root = path.resolve(base);
  const resolved = path.resolve(root, target);
  const rel = path.relative(root, resolved);
  if (rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) {
    throw new InputError(`Relative path '${target}' is not allowed to refer to a directory outside the workspace`);
  }
  return resolved;
}
