import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Whether `signature` (the X-Hub-Signature-256 header, `sha256=<hex>`) is the HMAC of the exact bytes
 * received. @octokit/webhooks verifies strings only, which would re-encode bytes that are not UTF-8.
 */
export function isValidWebhookSignature(secret: string, body: Buffer, signature: string): boolean {
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** A digest of a delivery's body, to recognise a replay that carries a new X-GitHub-Delivery id. */
export function webhookBodyDigest(body: Buffer): string {
  return createHash('sha256').update(body).digest('hex');
}
