import net from 'node:net';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { InputError, NotAllowedError } from '@portico/errors';
import { isPrivateAddress, resolveHost } from './guardedRequest';
import { isInside, realPathOf } from './resolveSafeChildPath';

/** The transports `publish:git` lets git use. */
export type GitTransport = 'file' | 'http' | 'https' | 'ssh' | 'git';

/** A remote that passed {@link checkGitRemote}: what to hand to git and how to pin it. */
export interface CheckedGitRemote {
  /** The URL git pushes to: for `file:` remotes the real path, `..` and symlinks resolved. */
  url: string;
  /** The only transport git may use for this push (`GIT_ALLOW_PROTOCOL`). */
  transport: GitTransport;
  /** `file:` remotes: the real local path of the repository. */
  localPath?: string;
  /** Network remotes: the checked address git must connect to (no DNS rebinding after the check). */
  pinned?: { host: string; port: number; address: string };
}

const DEFAULT_PORTS: Record<Exclude<GitTransport, 'file'>, number> = { http: 80, https: 443, ssh: 22, git: 9418 };
const HOST_NAME = /^[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?$/i;
const USER_NAME = /^[a-z0-9._~][a-z0-9._~-]*$/i;

function refuse(remote: string, why: string): never {
  throw new NotAllowedError(`Git remote '${remote}' is not allowed: ${why}`);
}

/** `host`, `1.2.3.4` or `[::1]`, without anything git or ssh could read as an option or a second host. */
function checkHost(remote: string, host: string): string {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  if (net.isIP(bare) || HOST_NAME.test(bare)) return bare.toLowerCase();
  return refuse(remote, `'${host}' is not a valid host name`);
}

interface NetworkRemote {
  transport: Exclude<GitTransport, 'file'>;
  host: string;
  port: number;
  /** `transport://host:port/path`, no user or query: what allowedRemotes entries are compared with. */
  canonical: string;
}

const hostPart = (host: string) => (host.includes(':') ? `[${host}]` : host);

/**
 * Parses `ssh://`, `https://`, `http://`, `git://` and scp-like `user@host:path` remotes. The host is
 * taken from the text itself, strictly (one `@` at most, no stray brackets), so git connects to the host
 * that was checked even where its URL parsing and WHATWG's differ.
 */
function parseNetworkRemote(remote: string): NetworkRemote | undefined {
  const scp = /^(?:([^@/:]+)@)?(\[[0-9a-f:.]+\]|[^@/:[\]]+):(.*)$/i.exec(remote);
  if (!remote.includes('://') && scp) {
    const [, user, rawHost, repoPath] = scp;
    if (user !== undefined && !USER_NAME.test(user)) refuse(remote, `'${user}' is not a valid user name`);
    const host = checkHost(remote, rawHost);
    return { transport: 'ssh', host, port: 22, canonical: `ssh://${hostPart(host)}:22${path.posix.normalize(`/${repoPath}`)}` };
  }
  const m = /^(https?|ssh|git):\/\/(?:([^@/?#]*)@)?(\[[0-9a-f:.]+\]|[^@/?#:[\]]+)(?::(\d{1,5}))?(?=[/?#]|$)/i.exec(remote);
  if (!m) return undefined;
  const transport = m[1].toLowerCase() as NetworkRemote['transport'];
  if (m[2] !== undefined && transport !== 'http' && transport !== 'https' && !USER_NAME.test(m[2])) refuse(remote, `'${m[2]}' is not a valid user name`);
  const host = checkHost(remote, m[3]);
  const port = m[4] ? Number(m[4]) : DEFAULT_PORTS[transport];
  if (port < 1 || port > 65535) refuse(remote, `${port} is not a valid port`);
  let pathname: string;
  try {
    pathname = new URL(remote).pathname; // `..` and `%2e%2e` resolved
  } catch {
    return refuse(remote, 'it is not a valid URL');
  }
  return { transport, host, port, canonical: `${transport}://${hostPart(host)}:${port}${pathname || '/'}` };
}

async function checkFileRemote(remote: string, url: URL, allowedRemotes: string[]): Promise<CheckedGitRemote> {
  let filePath: string;
  try {
    filePath = fileURLToPath(url); // decodes %2e%2e and refuses encoded slashes; new URL() already resolved `..`
  } catch (e) {
    return refuse(remote, (e as Error).message);
  }
  if (filePath.includes('\0')) refuse(remote, 'it contains a NUL character');
  const real = await realPathOf(filePath);
  for (const entry of allowedRemotes) {
    const root = entry.startsWith('file:') ? safeFileUrlPath(entry) : path.isAbsolute(entry) ? entry : undefined;
    if (root && isInside(await realPathOf(root), real)) {
      return { url: pathToFileURL(real).href, transport: 'file', localPath: real };
    }
  }
  return refuse(remote, `its real path ${real} is not inside a directory listed in scaffolder.git.allowedRemotes`);
}

function parseNetworkRemoteOrUndefined(entry: string): NetworkRemote | undefined {
  try {
    return parseNetworkRemote(entry);
  } catch {
    return undefined;
  }
}

function safeFileUrlPath(entry: string): string | undefined {
  try {
    return fileURLToPath(new URL(entry));
  } catch {
    return undefined;
  }
}

/**
 * Decides whether `publish:git` may push to `remote`, with the same rules as `http:request`:
 *
 * - git's remote helpers (`ext::`, `fd::`), options (`-…`), whitespace and control characters never pass;
 * - `file:` remotes (and absolute paths) must lie, after `..`, `%2e%2e` and symlinks are resolved, inside
 *   a directory listed in `allowedRemotes` (`file:///srv/git/`);
 * - https, http, ssh and git remotes pass when their host resolves to public addresses only; a host
 *   resolving to a loopback or private address passes only when the remote starts with an
 *   `allowedRemotes` entry naming that very host and port (`https://git.internal:8443/`).
 */
export async function checkGitRemote(remote: string, allowedRemotes: string[]): Promise<CheckedGitRemote> {
  if (remote.startsWith('-')) throw new InputError(`Invalid git remote '${remote}': it must not start with '-'`);
  if (/^[a-z][a-z0-9+.-]*::/i.test(remote)) refuse(remote, "git's remote helpers (ext::, fd::, …) are not allowed");
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f]/.test(remote)) refuse(remote, 'it contains whitespace or control characters');
  if (path.isAbsolute(remote)) return checkFileRemote(remote, pathToFileURL(remote), allowedRemotes);
  if (/^file:/i.test(remote)) {
    let url: URL;
    try {
      url = new URL(remote);
    } catch {
      return refuse(remote, 'it is not a valid URL');
    }
    return checkFileRemote(remote, url, allowedRemotes);
  }
  const parsed = parseNetworkRemote(remote);
  if (!parsed) refuse(remote, 'only https, http, ssh, git and file (under scaffolder.git.allowedRemotes) remotes are allowed');
  const listed = allowedRemotes.some(entry => {
    const e = parseNetworkRemoteOrUndefined(entry);
    return e !== undefined && e.transport === parsed.transport && e.host === parsed.host && e.port === parsed.port && parsed.canonical.startsWith(e.canonical);
  });
  const addresses = await resolveHost(parsed.host);
  if (!listed) {
    const bad = addresses.find(a => isPrivateAddress(a.address));
    if (bad) {
      refuse(remote, `its host '${parsed.host}' resolves to the private or loopback address ${bad.address}, which is refused unless the remote is listed in scaffolder.git.allowedRemotes`);
    }
  }
  return { url: remote, transport: parsed.transport, pinned: { host: parsed.host, port: parsed.port, address: addresses[0].address } };
}
