import { z } from 'zod';
import { durationSchema, type ConfigService } from '@portico/backend-plugin-api';
import { ConfigError } from '@portico/errors';
import { DEFAULT_ROUTE_RATE_LIMITS, type RouteRateLimitConfig } from './routeLimits';

/**
 * Whose X-Forwarded-For / -Proto the portal believes: a proxy on loopback or a private network (a load balancer
 * in front of the portal). A client on the internet that sends X-Forwarded-For itself is keyed by its own address.
 */
export const DEFAULT_TRUST_PROXY = ['loopback', 'linklocal', 'uniquelocal'];

const originSchema = z.string().regex(/^https?:\/\/[^/\s]+$/, 'an origin such as https://portal.example.com (no path)');

const schema = z.object({
  baseUrl: z.string().default('http://localhost:7007'),
  cors: z
    .object({
      origin: z.union([originSchema, z.array(originSchema)]),
      methods: z.array(z.string()).optional(),
      credentials: z.boolean().default(true),
    })
    .optional(),
  allowedHosts: z.array(z.string().min(1)).default([]),
  metricsPublic: z.boolean().default(false),
  rateLimit: z
    .union([
      z.literal(false),
      z.object({
        windowMs: durationSchema.default(60_000),
        max: z.number().int().positive().default(60),
      }),
    ])
    .default({ windowMs: 60_000, max: 60 }),
  routeRateLimits: z
    .record(
      z.string().regex(/^[a-zA-Z][\w-]*$/, 'a bucket name such as expensive'),
      z.union([
        z.literal(false),
        z.object({
          perSecond: z.number().positive(),
          burst: z.number().int().positive(),
        }).strict(),
      ]),
    )
    .default({}),
  trustProxy: z
    .union([z.boolean(), z.number().int().nonnegative(), z.string().min(1), z.array(z.string().min(1)).min(1)])
    .default(DEFAULT_TRUST_PROXY),
});

/** The host's HTTP hardening, from `backend.cors`, `backend.allowedHosts`, `backend.metrics` and `backend.rateLimit`. */
export interface HttpSecurityConfig {
  /** `backend.baseUrl`: its host is always allowed; https turns on HSTS and upgrade-insecure-requests. */
  baseUrl: URL;
  /** Origins allowed to call the API from a browser (none by default). */
  cors?: { origins: string[]; methods?: string[]; credentials: boolean };
  /** Host headers accepted besides the baseUrl's and loopback ones; `*` accepts any. */
  allowedHosts: string[];
  /** Whether `/metrics` answers without credentials. */
  metricsPublic: boolean;
  /** Requests per window and IP on the sign-in and token endpoints; false turns the limit off. */
  rateLimit: false | { windowMs: number; max: number };
  /**
   * `backend.rateLimit.routes`: per-client token buckets that routes name with `rateLimit` (default `expensive`:
   * 20 a second, bursts of 40); a bucket set to false, or `backend.rateLimit: false`, is not limited.
   */
  routeRateLimits: Record<string, RouteRateLimitConfig | false>;
  /**
   * `backend.trustProxy`, express's `trust proxy`: which peers' X-Forwarded-* headers are believed (client IP for
   * rate limits and the audit log, https for Secure cookies). Default: loopback and private networks.
   */
  trustProxy: boolean | number | string | string[];
}

const PATHS: Record<string, string> = {
  baseUrl: 'backend.baseUrl',
  cors: 'backend.cors',
  allowedHosts: 'backend.allowedHosts',
  metricsPublic: 'backend.metrics.public',
  rateLimit: 'backend.rateLimit',
  routeRateLimits: 'backend.rateLimit.routes',
  trustProxy: 'backend.trustProxy',
};

export function readHttpSecurityConfig(config: ConfigService): HttpSecurityConfig {
  const rateLimit = config.getOptional<unknown>('backend.rateLimit');
  // jitless: parsed once at start (zod's JIT compiles a parser per object schema on its first parse).
  const result = schema.safeParse({
    baseUrl: config.getOptional('backend.baseUrl'),
    cors: config.getOptional('backend.cors'),
    allowedHosts: config.getOptional('backend.allowedHosts'),
    metricsPublic: config.getOptional('backend.metrics.public'),
    trustProxy: config.getOptional('backend.trustProxy'),
    rateLimit:
      rateLimit && typeof rateLimit === 'object'
        ? { windowMs: (rateLimit as { window?: unknown }).window, max: (rateLimit as { max?: unknown }).max }
        : rateLimit,
    routeRateLimits: rateLimit && typeof rateLimit === 'object' ? (rateLimit as { routes?: unknown }).routes : undefined,
  }, { jitless: true });
  if (!result.success) {
    const message = result.error.issues
      .map(issue => {
        const [first, ...rest] = issue.path.map(String);
        return `Invalid config at '${[PATHS[first] ?? first, ...rest].join('.').replace('rateLimit.windowMs', 'rateLimit.window')}': ${issue.message}`;
      })
      .join('; ');
    throw new ConfigError(message);
  }
  const { baseUrl, cors, routeRateLimits, ...rest } = result.data;
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new ConfigError(`Invalid config at 'backend.baseUrl': not a URL: '${baseUrl}'`);
  }
  return {
    ...rest,
    routeRateLimits: rateLimit === false ? {} : { ...DEFAULT_ROUTE_RATE_LIMITS, ...routeRateLimits },
    baseUrl: url,
    ...(cors ? { cors: { origins: [cors.origin].flat(), methods: cors.methods, credentials: cors.credentials } } : {}),
  };
}
