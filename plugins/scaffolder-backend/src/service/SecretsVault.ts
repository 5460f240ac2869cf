import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Where a run's secrets live. With `scaffolder.secretsKey` they are stored AES-256-GCM encrypted
 * in the task row (so a resumed run on any instance has them); without it they are kept in this
 * process's memory only and a run resumed elsewhere or after a restart gets none.
 */
export class SecretsVault {
  private readonly memory = new Map<string, Record<string, string>>();
  private readonly key?: Buffer;

  constructor(secretsKey?: string) {
    if (secretsKey) this.key = createHash('sha256').update(secretsKey).digest();
  }

  get encrypts(): boolean {
    return this.key !== undefined;
  }

  /** Returns the ciphertext to store, or undefined when secrets stay in memory. */
  seal(taskId: string, secrets: Record<string, string> | undefined): string | undefined {
    if (!secrets || Object.keys(secrets).length === 0) return undefined;
    if (!this.key) {
      this.memory.set(taskId, secrets);
      return undefined;
    }
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const data = Buffer.concat([cipher.update(JSON.stringify(secrets), 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64'), cipher.getAuthTag().toString('base64'), data.toString('base64')].join(':');
  }

  /** Sets in-memory secrets for a task whose id was not known when sealing. */
  remember(taskId: string, secrets: Record<string, string> | undefined) {
    if (secrets && Object.keys(secrets).length > 0 && !this.key) this.memory.set(taskId, secrets);
  }

  open(taskId: string, sealed: string | undefined): Record<string, string> {
    if (sealed && this.key) {
      const [version, iv, tag, data] = sealed.split(':');
      if (version !== 'v1') throw new Error(`Unknown secrets format '${version}'`);
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64'));
      decipher.setAuthTag(Buffer.from(tag, 'base64'));
      const text = Buffer.concat([decipher.update(Buffer.from(data, 'base64')), decipher.final()]).toString('utf8');
      return JSON.parse(text) as Record<string, string>;
    }
    return this.memory.get(taskId) ?? {};
  }

  forget(taskId: string) {
    this.memory.delete(taskId);
  }
}

/** Replaces every secret value in text with `***`. */
export function redactSecrets(text: string, secrets: Record<string, string>): string {
  let out = text;
  for (const value of Object.values(secrets)) {
    if (typeof value === 'string' && value.length > 0) out = out.split(value).join('***');
  }
  return out;
}

/** Redacts secrets in every string of a JSON value. */
export function redactValue<T>(value: T, secrets: Record<string, string>): T {
  if (Object.keys(secrets).length === 0 || value === undefined) return value;
  // Match the secrets as they appear inside JSON strings (quotes and backslashes escaped).
  const escaped = Object.fromEntries(Object.entries(secrets).map(([k, v]) => [k, JSON.stringify(String(v)).slice(1, -1)]));
  return JSON.parse(redactSecrets(JSON.stringify(value), escaped)) as T;
}
