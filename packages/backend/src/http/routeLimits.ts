import { Router, type Request, type RequestHandler } from 'express';
import { Counter, type Registry } from 'prom-client';
import type { Credentials, HttpAuthService, RouteRateLimit } from '@portico/backend-plugin-api';
import { TooManyRequestsError } from '@portico/errors';

/** Where a route registry's router lists its declared routes (set by createRouteRegistry). */
const DECLARED_ROUTES = Symbol.for('portico.declaredRoutes');
/** What the declared route a request matched asks of the host. */
const LIMITS = Symbol('portico.routeLimits');

type DeclaredRoute = { method: string; path: string; auth?: string; bodyLimit?: string; rateLimit?: RouteRateLimit };
type RouteMark = { bodyLimit?: string; rateLimit?: RouteRateLimit; auth?: string };

/** One per-client token bucket class: `perSecond` tokens refill each second, up to `burst`. */
export interface RouteRateLimitConfig {
  perSecond: number;
  burst: number;
}

/** The buckets a route may name when nothing is configured: `expensive` (search, large queries, refresh). */
export const DEFAULT_ROUTE_RATE_LIMITS: Record<string, RouteRateLimitConfig> = { expensive: { perSecond: 20, burst: 40 } };

/** Clients remembered per bucket at most; the least recently seen is forgotten first (its bucket was full long ago). */
export const MAX_TRACKED_CLIENTS = 10_000;

/** The limit a request matched by its method and path, or undefined (the host's default then). */
export function routeBodyLimit(req: Request): string | undefined {
  return (req as unknown as Record<symbol, RouteMark | undefined>)[LIMITS]?.bodyLimit;
}

/** Per-client token buckets of one class, keyed by client, bounded to {@link MAX_TRACKED_CLIENTS}. */
class TokenBuckets {
  private readonly clients = new Map<string, { tokens: number; at: number }>();

  constructor(
    readonly config: RouteRateLimitConfig,
    private readonly now: () => number,
  ) {}

  /** Takes a token: 0 when granted, else the seconds until the next one. */
  take(client: string): number {
    const now = this.now();
    const { perSecond, burst } = this.config;
    const previous = this.clients.get(client);
    const tokens = previous ? Math.min(burst, previous.tokens + ((now - previous.at) / 1000) * perSecond) : burst;
    // Re-inserted so the map's order is least recently seen first.
    this.clients.delete(client);
    if (this.clients.size >= MAX_TRACKED_CLIENTS) this.clients.delete(this.clients.keys().next().value as string);
    if (tokens >= 1) {
      this.clients.set(client, { tokens: tokens - 1, at: now });
      return 0;
    }
    this.clients.set(client, { tokens, at: now });
    return Math.max(1, Math.ceil((1 - tokens) / perSecond));
  }
}

/** The client a rate limit counts for: the user, else the service subject, else the IP; undefined for the portal's own plugins. */
function clientKey(credentials: Credentials | undefined, req: Request): string | undefined {
  const principal = credentials?.principal;
  if (principal?.type === 'user') return `user:${principal.userEntityRef}`;
  if (principal?.type === 'service') return principal.subject.startsWith('plugin:') ? undefined : `service:${principal.subject}`;
  return `ip:${req.ip ?? req.socket.remoteAddress ?? 'unknown'}`;
}

export interface RouteLimitsOptions {
  /** `backend.rateLimit.routes`: bucket classes by name; false turns one off. Absent: {@link DEFAULT_ROUTE_RATE_LIMITS}. */
  rateLimits?: Record<string, RouteRateLimitConfig | false>;
  metrics?: Registry;
  /** The clock of the buckets (tests). */
  now?: () => number;
}

/**
 * What routes declare beyond their handler, applied by the host before the route runs: `bodyLimit` (the JSON
 * parser must know it before it reads the body) and `rateLimit` (a per-client token bucket). Route registries
 * mounted through a plugin's http router are registered here with their full path; their routes that declare
 * either are matched by an express router, so exactly as the plugin's own routes match, and only those.
 */
export class RouteLimits {
  private readonly marker = Router();
  private readonly registries: Array<{ base: string; routes: () => readonly DeclaredRoute[]; seen: number }> = [];
  private readonly buckets = new Map<string, TokenBuckets>();
  private marked = 0;
  private readonly limited?: Counter<'bucket'>;

  constructor(options: RouteLimitsOptions = {}) {
    const now = options.now ?? Date.now;
    for (const [name, config] of Object.entries(options.rateLimits ?? DEFAULT_ROUTE_RATE_LIMITS)) {
      if (config) this.buckets.set(name, new TokenBuckets(config, now));
    }
    if (options.metrics) {
      this.limited = new Counter({
        name: 'portico_http_rate_limited_total',
        help: 'Requests answered 429 by a per-client route rate limit, by bucket',
        labelNames: ['bucket'],
        registers: [options.metrics],
      });
    }
  }

  /** Registers the routes a route registry's router declares (now and later), mounted at `basePath` (`/api/<pluginId>`). */
  addRegistry(basePath: string, handler: unknown): void {
    const list = (handler as Record<symbol, unknown> | undefined)?.[DECLARED_ROUTES];
    if (typeof list === 'function') this.registries.push({ base: basePath, routes: list as () => readonly DeclaredRoute[], seen: 0 });
  }

  /** The configured limit of a bucket (undefined: not limited). */
  bucket(name: string): RouteRateLimitConfig | undefined {
    return this.buckets.get(name)?.config;
  }

  /** App-level middleware: marks a request that matches a route declaring a body limit or a rate limit. */
  markRoutes(): RequestHandler {
    return (req, res, next) => {
      this.sync();
      // OPTIONS carries no body and draws on no bucket; an express router would also answer it itself (Allow).
      if (this.marked === 0 || req.method === 'OPTIONS') return next();
      this.marker(req, res, next);
    };
  }

  /**
   * For a plugin's router, after its default deny: takes a token of the route's bucket for the caller, or
   * answers 429 with Retry-After. Calls between the portal's own plugins are not limited.
   */
  rateLimit(httpAuth: HttpAuthService): RequestHandler {
    return (req, res, next) => {
      const mark = (req as unknown as Record<symbol, RouteMark | undefined>)[LIMITS];
      const declared = mark?.rateLimit;
      if (!declared) return next();
      const name = typeof declared === 'string' ? declared : declared.bucket;
      const buckets = this.buckets.get(name);
      if (!buckets) return next();
      if (typeof declared !== 'string' && !declared.when(req)) return next();
      const allow: Array<'user' | 'service' | 'none'> = mark.auth === 'unauthenticated' ? ['user', 'service', 'none'] : ['user', 'service'];
      httpAuth.credentials(req, { allow }).then(credentials => {
        const client = clientKey(credentials, req);
        if (client === undefined) return next();
        const wait = buckets.take(client);
        if (wait === 0) return next();
        this.limited?.inc({ bucket: name });
        res.setHeader('retry-after', String(wait));
        const { perSecond, burst } = buckets.config;
        next(
          new TooManyRequestsError(
            `Too many requests to ${req.method} ${req.baseUrl}${req.path}: this client may make ${perSecond} a second (bursts of ${burst}) ` +
              `of the '${name}' kind; retry in ${wait} s`,
            { bucket: name, perSecond, burst, retryAfterSeconds: wait },
          ),
        );
      }, next);
    };
  }

  /** Adds routes declared since the last request (plugins declare routes during their init, after mounting). */
  private sync(): void {
    for (const registry of this.registries) {
      const routes = registry.routes();
      if (routes.length === registry.seen) continue;
      for (const route of routes.slice(registry.seen)) {
        if (!route.bodyLimit && !route.rateLimit) continue;
        const mark: RouteMark = { bodyLimit: route.bodyLimit, rateLimit: route.rateLimit, auth: route.auth };
        const path = `${registry.base}${route.path === '/' ? '' : route.path}`;
        (this.marker as unknown as Record<string, (path: string, handler: RequestHandler) => void>)[route.method](path, (req, _res, next) => {
          (req as unknown as Record<symbol, RouteMark>)[LIMITS] = mark;
          next();
        });
        this.marked += 1;
      }
      registry.seen = routes.length;
    }
  }
}
