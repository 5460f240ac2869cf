import type { NextFunction, Request, Response } from 'express';
import { InputError } from '@portico/errors';
import { FORBIDDEN_KEYS } from './untrustedJson';

/**
 * Refuses a query string with a `__proto__`, `constructor` or `prototype` key, also as a bracket or dot
 * segment (`?__proto__[x]=1`, `?a.constructor=1`): the host parses queries flat into null-prototype
 * objects, but a route that expands such keys or merges the query into an object must never see them.
 */
export function forbiddenQueryKeys() {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (!req.url.includes('?')) return next();
    for (const key of Object.keys(req.query)) {
      const segment = key.split(/[[\].]/).find(s => FORBIDDEN_KEYS.has(s));
      if (segment) return next(new InputError(`Query parameter '${key}' is not allowed: ${segment} cannot be a key`, { parameter: key }));
    }
    next();
  };
}
