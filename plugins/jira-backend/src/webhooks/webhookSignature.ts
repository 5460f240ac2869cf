import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { JiraSiteConfig } from '../integration/config';

/**
 * Whether `X-Hub-Signature` (`sha256=<hex>`, as Jira Cloud signs admin webhooks that have a secret) is the
 * HMAC-SHA256 of the exact bytes received under `secret`. Compared in constant time.
 */
export function isHubSignedWith(secret: string, body: Buffer, header: string): boolean {
  const match = /^sha256=([0-9a-f]{64})$/i.exec(header.trim());
  if (!match) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  const given = Buffer.from(match[1], 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Constant-time comparison of a shared secret (compared as digests, so lengths leak nothing). */
export function sameSecret(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

/**
 * The site a delivery comes from: a Cloud site whose secret signed the body (`X-Hub-Signature`), or a Data Center
 * site whose shared secret was given (`?secret=` or the `X-Portico-Webhook-Secret` header). Undefined when none.
 */
export function webhookSite(sites: readonly JiraSiteConfig[], body: Buffer, auth: { signature?: string; secret?: string }): JiraSiteConfig | undefined {
  if (auth.signature) return sites.find(s => s.webhookSecret && isHubSignedWith(s.webhookSecret, body, auth.signature!));
  if (auth.secret) return sites.find(s => s.kind === 'datacenter' && s.webhookSecret && sameSecret(s.webhookSecret, auth.secret!));
  return undefined;
}
