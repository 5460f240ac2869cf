import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

const REQUEST_ID = Symbol.for('portico.requestId');
const VALID_ID = /^[\w.:-]{1,128}$/;

/** Echoes a sane incoming `x-request-id` or generates one, and sets it on the response. */
export function requestIdMiddleware() {
  return (req: Request, res: Response, next: NextFunction) => {
    const incoming = req.get('x-request-id');
    const id = incoming && VALID_ID.test(incoming) ? incoming : randomUUID();
    (req as unknown as Record<symbol, string>)[REQUEST_ID] = id;
    res.setHeader('x-request-id', id);
    next();
  };
}

/** The id of a request, for log lines about it. */
export function getRequestId(req: Request): string | undefined {
  return (req as unknown as Record<symbol, string | undefined>)[REQUEST_ID];
}
