import { InputError } from '@portico/errors';

/** A parsed `https://<host>/<owner>/<repo>/(blob|tree)/<ref>/<path>` URL. */
export interface GithubUrl {
  host: string;
  owner: string;
  repo: string;
  /** `blob` for a file, `tree` for a directory (also a bare repository URL). */
  type: 'blob' | 'tree';
  /** Branch, tag or commit; undefined for a bare repository URL (the default branch). Refs with `/` are not supported. */
  ref?: string;
  /** Path inside the repository without a leading slash; '' for the root. */
  path: string;
}

/** Parses a GitHub web URL for a file or a directory; an InputError naming the URL otherwise. */
export function parseGithubUrl(url: string): GithubUrl {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InputError(`Invalid GitHub URL '${url}'`);
  }
  const parts = parsed.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const [owner, repo, type, ref, ...rest] = parts;
  if (!owner || !repo) throw new InputError(`Invalid GitHub URL '${url}': expected https://${parsed.host}/<owner>/<repo>/blob/<ref>/<path>`);
  if (type === undefined) return { host: parsed.host, owner, repo: repo.replace(/\.git$/, ''), type: 'tree', path: '' };
  if ((type !== 'blob' && type !== 'tree') || !ref) {
    throw new InputError(`Invalid GitHub URL '${url}': expected /blob/<ref>/<path> or /tree/<ref>/<path> after the repository`);
  }
  if (rest.some(p => p === '..' || p === '.' || p.includes('/') || p.includes('\\'))) throw new InputError(`Invalid GitHub URL '${url}': path segments ., .. and encoded slashes are not allowed`);
  return { host: parsed.host, owner, repo, type, ref, path: rest.join('/') };
}

/** The web URL of a file or directory. */
export function githubBlobUrl(options: { host: string; owner: string; repo: string; ref: string; path: string; type?: 'blob' | 'tree' }): string {
  const path = options.path.replace(/^\/+/, '').split('/').map(encodeURIComponent).join('/');
  return `https://${options.host}/${options.owner}/${options.repo}/${options.type ?? 'blob'}/${encodeURIComponent(options.ref)}/${path}`;
}

/** Resolves `url` against a GitHub file URL: relative paths next to the file, `/x` from the repository root. */
export function resolveGithubUrl(base: string, url: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(url)) return url;
  const b = parseGithubUrl(base);
  const ref = b.ref ?? 'HEAD';
  const dir = b.type === 'tree' ? b.path : b.path.split('/').slice(0, -1).join('/');
  const root = `https://${b.host}/${b.owner}/${b.repo}/blob/${encodeURIComponent(ref)}/`;
  const resolved = new URL(url.startsWith('/') ? url.slice(1) : url, root + (url.startsWith('/') || !dir ? '' : `${dir}/`));
  if (!resolved.href.startsWith(root)) throw new InputError(`Cannot resolve '${url}' against ${base}: it leaves the repository`);
  return resolved.href;
}
