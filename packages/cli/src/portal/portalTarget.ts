import type { CliIo } from './CliIo';
import { credentialsPath, CredentialsFile, normalizePortalUrl, type PortalCredentials } from './CredentialsFile';
import { DEFAULT_PORTAL_URL } from './defaultPortalUrl';

export { DEFAULT_PORTAL_URL };

/** The options every portal command takes. */
export interface PortalOptions {
  /** --url; else PORTICO_URL; else the portal of the last login; else {@link DEFAULT_PORTAL_URL}. */
  url?: string;
}

/** The portal a command talks to, and the credentials file. */
export function portalTarget(io: Pick<CliIo, 'env'>, options: PortalOptions): { url: string; file: CredentialsFile } {
  const file = new CredentialsFile(credentialsPath(io.env));
  const url = options.url ?? io.env.PORTICO_URL ?? file.current() ?? DEFAULT_PORTAL_URL;
  return { url: normalizePortalUrl(url), file };
}

/** How a command acts as someone: PORTICO_TOKEN wins over the stored login. */
export type PortalAuth = { url: string; token: string } & ({ source: 'env' } | { source: 'login'; credentials: PortalCredentials; file: CredentialsFile });

/** The token to call the portal with, or an error that says how to get one. */
export function portalAuth(io: Pick<CliIo, 'env'>, options: PortalOptions): PortalAuth {
  const { url, file } = portalTarget(io, options);
  if (io.env.PORTICO_TOKEN) return { url, token: io.env.PORTICO_TOKEN, source: 'env' };
  const credentials = file.get(url);
  if (!credentials) throw new Error(`Not logged in to ${url}: run portico login --url ${url} (or set PORTICO_TOKEN)`);
  return { url, token: credentials.token, source: 'login', credentials, file };
}
