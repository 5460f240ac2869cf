import type { CliIo } from '../portal/CliIo';
import { errorMessageOf, PortalClient } from '../portal/PortalClient';
import { portalTarget, type PortalOptions } from '../portal/portalTarget';

/**
 * `portico logout`: revokes the stored token at the portal (`DELETE /api/auth/tokens/:id`) and forgets it. A token
 * the portal no longer knows (expired, revoked in the UI) is forgotten too; when the portal cannot be asked, the
 * token is kept so that it can still be revoked. Returns the exit code.
 */
export async function logout(io: CliIo, options: PortalOptions): Promise<number> {
  const { url, file } = portalTarget(io, options);
  const stored = file.get(url);
  if (!stored) {
    io.stdout.write(`Not logged in to ${url}.\n`);
    return 0;
  }
  const revoked = await new PortalClient(url, io, stored.token).request('DELETE', `/api/auth/tokens/${encodeURIComponent(stored.tokenId)}`);
  if (!revoked.ok && revoked.status !== 401 && revoked.status !== 404) {
    io.stderr.write(`portico logout: ${url} did not revoke the token (${errorMessageOf(revoked)}); it is still in ${file.path}\n`);
    return 1;
  }
  file.remove(url);
  io.stdout.write(
    revoked.ok ? `Logged out of ${url}: the token of ${stored.user} is revoked.\n` : `Logged out of ${url} (the portal no longer accepted the token).\n`,
  );
  return 0;
}
