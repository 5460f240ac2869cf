import type { NextFunction, Request, Response } from 'express';
import { isError, PorticoError, statusCodeOf } from '@portico/errors';
import type { LoggerService } from '@portico/backend-plugin-api';
import { getRequestId } from './requestId';

interface ZodLikeError {
  name: 'ZodError';
  issues: Array<{ path: PropertyKey[]; message: string }>;
}

function isZodError(error: unknown): error is ZodLikeError {
  return isError(error) && error.name === 'ZodError' && Array.isArray((error as unknown as ZodLikeError).issues);
}

/** 4xx from express itself and its body parsers carry `status`; typed errors carry `statusCode`. */
function statusOf(error: unknown): number {
  if (isZodError(error)) return 400;
  const status = statusCodeOf(error);
  if (status !== 500) return status;
  const legacy = (error as { status?: unknown } | null)?.status;
  return typeof legacy === 'number' && legacy >= 400 && legacy < 500 ? legacy : 500;
}

/**
 * Turns any error into `{ error: { name, message, details } }` with the error's status.
 * Server errors are logged with the request id.
 */
export function createErrorHandler(logger: LoggerService) {
  return (error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    const status = statusOf(error);
    const requestId = getRequestId(req);
    let body: { name: string; message: string; details?: unknown };
    if (error instanceof PorticoError) {
      body = error.toJSON();
    } else if (isZodError(error)) {
      body = {
        name: 'InputError',
        message: error.issues.map(i => `${i.path.map(String).join('.') || '<root>'}: ${i.message}`).join('; '),
        details: { issues: error.issues.map(i => ({ path: i.path.map(String).join('.'), message: i.message })) },
      };
    } else if (isError(error)) {
      body = { name: error.name || 'Error', message: error.message };
    } else {
      body = { name: 'Error', message: String(error) };
    }
    if (status >= 500) {
      logger.error(`Request ${req.method} ${req.originalUrl} failed with ${status}: ${body.message}`, {
        requestId,
        stack: isError(error) ? error.stack : undefined,
      });
    }
    res.status(status).json({ error: body });
  };
}
