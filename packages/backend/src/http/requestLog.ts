import type { NextFunction, Request, Response } from 'express';
import type { LoggerService } from '@portico/backend-plugin-api';
import { getRequestId } from './requestId';

/** One debug line per request, carrying its request id, so a request can be followed through the logs. */
export function requestLogMiddleware(logger: LoggerService) {
  return (req: Request, res: Response, next: NextFunction) => {
    const start = process.hrtime.bigint();
    res.on('finish', () => {
      logger.debug(`${req.method} ${req.originalUrl} ${res.statusCode}`, {
        requestId: getRequestId(req),
        durationMs: Number((process.hrtime.bigint() - start) / 1_000_000n),
      });
    });
    next();
  };
}
