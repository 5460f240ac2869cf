import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

/** What `portico login` keeps for one portal. */
export interface PortalCredentials {
  /** The portal's base URL, as normalised by {@link normalizePortalUrl}. */
  url: string;
  /** A personal access token of `user` (`pat_<id>_<secret>`). */
  token: string;
  /** Its id, to revoke it (`portico logout`). */
  tokenId: string;
  /** The user it acts as: `user:default/alice`. */
  user: string;
  expiresAt?: string;
}

const credentialsSchema = z.object({
  url: z.string(),
  token: z.string(),
  tokenId: z.string(),
  user: z.string(),
  expiresAt: z.string().optional(),
});
const fileSchema = z.object({
  /** The portal of the last login: the one commands use without --url. */
  current: z.string().optional(),
  portals: z.record(z.string(), credentialsSchema).default({}),
});
type FileContent = z.output<typeof fileSchema>;

/** `$XDG_CONFIG_HOME/portico/credentials.json`, `~/.config/portico/credentials.json` without it. */
export function credentialsPath(env: NodeJS.ProcessEnv): string {
  const configHome = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(env.HOME || os.homedir(), '.config');
  return path.join(configHome, 'portico', 'credentials.json');
}

/** `http://localhost:7007/` and `http://LOCALHOST:7007` are one portal: origin plus path, no trailing slash. */
export function normalizePortalUrl(input: string): string {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new Error(`Not a portal URL: '${input}' (expected e.g. http://localhost:7007)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`Not a portal URL: '${input}' (http or https only)`);
  if (url.username || url.password || url.search || url.hash) throw new Error(`Not a portal URL: '${input}' (no credentials, query or fragment)`);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/**
 * The CLI's tokens, one entry per portal URL, in a file only its owner may read (0600, in a 0700 directory).
 * Written to a temporary file and renamed, so that a crash never leaves half a file.
 */
export class CredentialsFile {
  constructor(readonly path: string) {}

  private read(): FileContent {
    let text: string;
    try {
      text = fs.readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { portals: {} };
      throw error;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new Error(`${this.path} is not JSON: remove it and run portico login again`);
    }
    const parsed = fileSchema.safeParse(json);
    if (!parsed.success) throw new Error(`${this.path} is not a portico credentials file: remove it and run portico login again`);
    return parsed.data;
  }

  private write(content: FileContent): void {
    fs.mkdirSync(path.dirname(this.path), { recursive: true, mode: 0o700 });
    const temporary = `${this.path}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
    fs.chmodSync(temporary, 0o600);
    fs.renameSync(temporary, this.path);
  }

  /** The portal of the last login, if any. */
  current(): string | undefined {
    return this.read().current;
  }

  get(url: string): PortalCredentials | undefined {
    return this.read().portals[url];
  }

  /** Saves (or replaces) the entry of its portal, which becomes the current one. */
  save(credentials: PortalCredentials): void {
    const content = this.read();
    content.portals[credentials.url] = credentials;
    content.current = credentials.url;
    this.write(content);
  }

  /** Removes the entry of a portal; false when there was none. */
  remove(url: string): boolean {
    const content = this.read();
    if (!content.portals[url]) return false;
    delete content.portals[url];
    if (content.current === url) content.current = Object.keys(content.portals)[0];
    this.write(content);
    return true;
  }
}
