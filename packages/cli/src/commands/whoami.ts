import { z } from 'zod';
import type { CliIo } from '../portal/CliIo';
import { errorMessageOf, PortalClient } from '../portal/PortalClient';
import { portalAuth, type PortalOptions } from '../portal/portalTarget';

const meAnswer = z.object({
  userEntityRef: z.string(),
  ownershipEntityRefs: z.array(z.string()).default([]),
  profile: z.object({ displayName: z.string().optional(), email: z.string().optional() }).default({}),
});

/** `portico whoami`: who the portal takes the CLI for (`GET /api/auth/me`). Returns the exit code. */
export async function whoami(io: CliIo, options: PortalOptions): Promise<number> {
  const auth = portalAuth(io, options);
  const answer = await new PortalClient(auth.url, io, auth.token).request('GET', '/api/auth/me');
  if (answer.status === 401) {
    const from = auth.source === 'env' ? 'PORTICO_TOKEN' : `the token in ${auth.file.path}`;
    io.stderr.write(`portico whoami: ${auth.url} refused ${from} (${errorMessageOf(answer)}): run portico login --url ${auth.url}\n`);
    return 1;
  }
  const me = meAnswer.safeParse(answer.body);
  if (!answer.ok || !me.success) {
    io.stderr.write(`portico whoami: ${auth.url} answered ${answer.status}: ${errorMessageOf(answer)}\n`);
    return 1;
  }
  const { userEntityRef, ownershipEntityRefs, profile } = me.data;
  const name = [profile.displayName, profile.email && `<${profile.email}>`].filter(Boolean).join(' ');
  io.stdout.write(
    `${userEntityRef}${name ? ` (${name})` : ''}\n` +
      `  portal: ${auth.url}\n` +
      `  owns as: ${ownershipEntityRefs.join(', ') || '-'}\n` +
      `  token: ${auth.source === 'env' ? 'PORTICO_TOKEN' : `portico login${auth.credentials.expiresAt ? `, expires ${auth.credentials.expiresAt}` : ''}`}\n`,
  );
  return 0;
}
