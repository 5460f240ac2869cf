import type { NextFunction, Request, Response } from 'express';
import type { LoggerService } from '@portico/backend-plugin-api';
import { getRequestId } from './requestId';

/** A logger that can tell whether a level is written (the default WinstonLogger can). */
interface LevelAwareLogger extends LoggerService {
  isLevelEnabled(level: 'debug'): boolean;
}

function isLevelAware(logger: LoggerService): logger is LevelAwareLogger {
  return typeof (logger as Partial<LevelAwareLogger>).isLevelEnabled === 'function';
}

/**
 * One debug line per request, carrying its request id, so a request can be followed through the logs.
 * When the logger says debug is off (checked per request, so a level changed at run time applies to the
 * next request), the request gets no timer, no listener and no line. Loggers that cannot say are always
 * given the line and decide themselves.
 */
export function requestLogMiddleware(logger: LoggerService) {
  const debugEnabled = isLevelAware(logger) ? () => logger.isLevelEnabled('debug') : () => true;
  return (req: Request, res: Response, next: NextFunction) => {
    if (!debugEnabled()) return next();
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
