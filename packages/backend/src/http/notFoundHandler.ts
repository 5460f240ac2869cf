import type { NextFunction, Request, Response } from 'express';
import { NotFoundError } from '@portico/errors';

/** A JSON 404 for any request no route answered. */
export function notFoundHandler() {
  return (req: Request, _res: Response, next: NextFunction) => {
    next(new NotFoundError(`No route for ${req.method} ${req.originalUrl.split('?')[0]}`));
  };
}
