import type { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import { TooManyRequestsError } from '@portico/errors';

/** The sign-in and token endpoints of the auth plugin (and `portico login`'s codes): the ones a guesser or a loop would hammer. */
export const RATE_LIMITED_PATHS = ['/api/auth/:provider/start', '/api/auth/:provider/handler', '/api/auth/refresh', '/api/auth/tokens', '/api/auth/device'];

/** At most `max` requests per `windowMs` and client IP on {@link RATE_LIMITED_PATHS}, then 429 (in memory, per instance). */
export function authRateLimit(options: { windowMs: number; max: number }): RequestHandler {
  return rateLimit({
    windowMs: options.windowMs,
    limit: options.max,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    // The host trusts X-Forwarded-For (it runs behind proxies); the limit keys on the address express derives.
    validate: { trustProxy: false, xForwardedForHeader: false },
    handler: (_req, _res, next, limitOptions) =>
      next(new TooManyRequestsError(`Too many requests: at most ${limitOptions.limit} per ${Math.round(options.windowMs / 1000)} s; retry later`)),
  });
}
