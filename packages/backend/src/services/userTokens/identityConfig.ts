import { z } from 'zod';
import { durationSchema, type ConfigService } from '@portico/backend-plugin-api';
import { ConfigError } from '@portico/errors';

/** Static tokens shorter than this are refused at start: they could be guessed. */
export const MIN_EXTERNAL_TOKEN_LENGTH = 24;

const externalAccessSchema = z.object({
  token: z.string().min(MIN_EXTERNAL_TOKEN_LENGTH, `must be at least ${MIN_EXTERNAL_TOKEN_LENGTH} characters`),
  subject: z.string().regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits and . _ : - only'),
  accessRestrictions: z
    .object({
      plugins: z.array(z.string().min(1)).optional(),
      permissions: z.array(z.string().min(1)).optional(),
    })
    .optional(),
});

export type ExternalAccessEntry = z.output<typeof externalAccessSchema>;

const identityConfigSchema = z.object({
  baseUrl: z.string().default('http://localhost:7007'),
  externalAccess: z.array(externalAccessSchema).default([]),
  rotationIntervalMs: durationSchema.default(24 * 60 * 60 * 1000),
  accessTokenDurationMs: durationSchema.default(15 * 60 * 1000),
});

/** What the host's identity services read from config, parsed once. */
export interface IdentityConfig {
  /** `backend.baseUrl` without a trailing slash: the `iss` of every token. */
  issuer: string;
  /** Whether cookies get `Secure` (baseUrl is https). */
  secureCookies: boolean;
  externalAccess: ExternalAccessEntry[];
  /** `auth.keys.rotationInterval` (default P1D). */
  rotationIntervalMs: number;
  /** `auth.session.accessTokenDuration` (default PT15M). */
  accessTokenDurationMs: number;
}

function describeIssues(error: z.ZodError, paths: Record<string, string>): string {
  return error.issues
    .map(issue => {
      const [first, ...rest] = issue.path.map(String);
      const where = [paths[first] ?? first, ...rest].join('.');
      return `Invalid config at '${where}': ${issue.message}`;
    })
    .join('; ');
}

/** Reads `backend.baseUrl`, `backend.auth.externalAccess`, `auth.keys.rotationInterval` and `auth.session.accessTokenDuration`. */
export function readIdentityConfig(config: ConfigService): IdentityConfig {
  const paths = {
    baseUrl: 'backend.baseUrl',
    externalAccess: 'backend.auth.externalAccess',
    rotationIntervalMs: 'auth.keys.rotationInterval',
    accessTokenDurationMs: 'auth.session.accessTokenDuration',
  };
  // jitless: parsed once at start (zod's JIT compiles a parser per object schema on its first parse).
  const result = identityConfigSchema.safeParse({
    baseUrl: config.getOptional('backend.baseUrl'),
    externalAccess: config.getOptional('backend.auth.externalAccess'),
    rotationIntervalMs: config.getOptional('auth.keys.rotationInterval'),
    accessTokenDurationMs: config.getOptional('auth.session.accessTokenDuration'),
  }, { jitless: true });
  if (!result.success) throw new ConfigError(describeIssues(result.error, paths));
  const { baseUrl, externalAccess, rotationIntervalMs, accessTokenDurationMs } = result.data;
  const subjects = new Set<string>();
  for (const entry of externalAccess) {
    if (subjects.has(entry.subject)) {
      throw new ConfigError(`Invalid config at 'backend.auth.externalAccess': subject '${entry.subject}' is listed twice`);
    }
    subjects.add(entry.subject);
  }
  const issuer = baseUrl.replace(/\/+$/, '');
  return {
    issuer,
    secureCookies: issuer.startsWith('https:'),
    externalAccess,
    rotationIntervalMs,
    accessTokenDurationMs,
  };
}
