import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The `v1=<hex>` signatures of an `X-PagerDuty-Signature` header. PagerDuty sends one per active secret of the
 * subscription, comma-separated, while a secret is being rotated; other schemes are ignored.
 */
export function webhookSignatures(header: string): string[] {
  return header
    .split(',')
    .map(part => part.trim())
    .filter(part => /^v1=[0-9a-f]{64}$/i.test(part))
    .map(part => part.slice(3).toLowerCase());
}

/**
 * Whether one of the header's signatures is the HMAC-SHA256 of the exact bytes received under `secret`, as
 * PagerDuty's V3 webhooks sign them. Compared in constant time.
 */
export function isSignedWith(secret: string, body: Buffer, signatures: string[]): boolean {
  const expected = createHmac('sha256', secret).update(body).digest();
  return signatures.some(signature => {
    const given = Buffer.from(signature, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

/** The first account one of whose `webhookSecrets` signed the body; undefined when none did. */
export function signingAccount<T extends { id: string; webhookSecrets: string[] }>(accounts: readonly T[], body: Buffer, header: string): T | undefined {
  const signatures = webhookSignatures(header);
  if (signatures.length === 0) return undefined;
  return accounts.find(account => account.webhookSecrets.some(secret => isSignedWith(secret, body, signatures)));
}
