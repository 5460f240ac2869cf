import { z } from 'zod';
import type { CliIo } from '../portal/CliIo';
import { errorMessageOf, PortalClient } from '../portal/PortalClient';
import { DEFAULT_PORTAL_URL, portalTarget } from '../portal/portalTarget';

const codeAnswer = z.object({
  device_code: z.string().min(1),
  user_code: z.string().min(1),
  verification_uri: z.string().min(1),
  verification_uri_complete: z.string().optional(),
  expires_in: z.number().positive(),
  interval: z.number().positive().default(5),
});
const tokenAnswer = z.object({
  access_token: z.string().min(1),
  token_id: z.string().min(1),
  user_entity_ref: z.string().min(1),
  expires_in: z.number().optional(),
});
const pollError = z.object({ error: z.string(), error_description: z.string().optional() });

/** RFC 8628 §3.5: after `slow_down`, every later poll waits this much longer. */
const SLOW_DOWN_STEP_MS = 5_000;

export interface LoginOptions {
  url?: string;
  /** Open the verification page in a browser as well. */
  open?: boolean;
}

/** The hostname as the portal accepts it in a token name: letters, digits, dots, dashes, underscores. */
function safeHostname(hostname: string): string | undefined {
  const cleaned = hostname.replace(/[^\w.-]+/g, '-').slice(0, 100).replace(/^-+|-+$/g, '');
  return cleaned || undefined;
}

/**
 * `portico login`: the device authorization flow (RFC 8628) against the portal. Prints a code and the page to
 * enter it on, polls until someone signed in to the portal approves it, and stores the personal access token it
 * gets. Returns the exit code.
 */
export async function login(io: CliIo, options: LoginOptions): Promise<number> {
  const { url, file } = portalTarget(io, { url: options.url ?? io.env.PORTICO_URL ?? DEFAULT_PORTAL_URL });
  const portal = new PortalClient(url, io);
  const started = await portal.request('POST', '/api/auth/device/code', { hostname: safeHostname(io.hostname()) });
  if (!started.ok) {
    io.stderr.write(`portico login: ${url} refused to start a login: ${errorMessageOf(started)}\n`);
    return 1;
  }
  const codes = codeAnswer.safeParse(started.body);
  if (!codes.success) {
    io.stderr.write(`portico login: ${url} answered something else than a device code: is it a portico portal?\n`);
    return 1;
  }
  const { device_code, user_code, verification_uri, verification_uri_complete, expires_in } = codes.data;
  io.stdout.write(
    `To log in to ${url}, open ${verification_uri} in a browser and enter the code ${user_code}\n` +
      (verification_uri_complete ? `  (or open ${verification_uri_complete})\n` : '') +
      `Waiting for the approval (the code expires in ${Math.round(expires_in / 60)} min)...\n`,
  );
  if (options.open) io.openBrowser(verification_uri_complete ?? verification_uri);

  let intervalMs = codes.data.interval * 1000;
  for (;;) {
    await io.sleep(intervalMs);
    const polled = await portal.request('POST', '/api/auth/device/token', { device_code, grant_type: 'urn:ietf:params:oauth:grant-type:device_code' });
    if (polled.ok) {
      const issued = tokenAnswer.safeParse(polled.body);
      if (!issued.success) {
        io.stderr.write(`portico login: ${url} answered the approval with something else than a token\n`);
        return 1;
      }
      const { access_token, token_id, user_entity_ref, expires_in: tokenSeconds } = issued.data;
      const previous = file.get(url);
      file.save({
        url,
        token: access_token,
        tokenId: token_id,
        user: user_entity_ref,
        ...(tokenSeconds ? { expiresAt: new Date(Date.now() + tokenSeconds * 1000).toISOString() } : {}),
      });
      // The token of an earlier login to this portal is replaced: it should not stay valid, unused, for months.
      if (previous && previous.tokenId !== token_id) {
        await new PortalClient(url, io, access_token).request('DELETE', `/api/auth/tokens/${encodeURIComponent(previous.tokenId)}`).catch(() => undefined);
      }
      io.stdout.write(`Logged in to ${url} as ${user_entity_ref}. The token is in ${file.path}.\n`);
      return 0;
    }
    const refused = pollError.safeParse(polled.body);
    const error = refused.success ? refused.data.error : undefined;
    if (error === 'authorization_pending') continue;
    if (error === 'slow_down') {
      intervalMs += SLOW_DOWN_STEP_MS;
      continue;
    }
    const reasons: Record<string, string> = {
      access_denied: 'the login was denied in the browser',
      expired_token: 'the code expired before anyone approved it: run portico login again',
    };
    io.stderr.write(`portico login: ${(error && reasons[error]) ?? errorMessageOf(polled)}\n`);
    return 1;
  }
}
