import type { NextFunction, Request, Response } from 'express';
import { isError, PorticoError, statusCodeOf } from '@portico/errors';
import type { LoggerService } from '@portico/backend-plugin-api';
import { recordDeniedRequest } from '../services/auditor/recordDeniedRequest';
import { isDatabaseUnavailableError } from '../services/database/databaseUnavailable';
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
  // The database is down (or failing over): the request may succeed on retry, here or on another instance.
  if (isDatabaseUnavailableError(error)) return 503;
  if (isStorageFullError(error)) return 507;
  const legacy = (error as { status?: unknown } | null)?.status;
  return typeof legacy === 'number' && legacy >= 400 && legacy < 500 ? legacy : 500;
}

/**
 * The disk (or PostgreSQL's tablespace) is full: SQLite's SQLITE_FULL, the OS's ENOSPC, PostgreSQL's disk_full (53100).
 * Nothing was written (the transaction rolled back); the write can succeed once space is freed.
 */
function isStorageFullError(error: unknown): boolean {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (e.code === 'SQLITE_FULL' || e.code === 'ENOSPC' || e.code === '53100') return true;
  }
  return false;
}

/** How long a client should wait before retrying a 503 (the database is being reconnected to). */
const RETRY_AFTER_SECONDS = '5';

/** What a client learns of a server error: its kind, never its message (that goes to the log). */
function serverErrorBody(status: number): { name: string; message: string } {
  if (status === 501) return { name: 'NotImplementedError', message: 'Not implemented' };
  if (status === 503) return { name: 'ServiceUnavailableError', message: 'Service unavailable' };
  if (status === 507) return { name: 'InsufficientStorageError', message: 'Insufficient storage: the portal\'s disk is full, nothing was written; retry once space is freed' };
  return { name: 'InternalServerError', message: 'Internal server error' };
}

/**
 * Turns any error into `{ error: { name, message, details?, requestId } }` with the error's status.
 * Client errors (4xx) say what was wrong. Server errors (5xx) carry a generic message only, since their
 * messages name databases, hosts and files, unless the error says its message is written for the caller
 * (`expose`, e.g. a vendor refusing the portal's key); the full error is logged with the request id, which
 * the body and the `X-Request-Id` header give the caller to quote.
 */
export function createErrorHandler(logger: LoggerService) {
  return (error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    const status = statusOf(error);
    const requestId = getRequestId(req);
    if (requestId && !res.getHeader('x-request-id')) res.setHeader('x-request-id', requestId);
    if (status >= 500) {
      const message = isError(error) ? error.message : String(error);
      const exposed = error instanceof PorticoError && error.expose;
      if (exposed) logger.warn(`Request ${req.method} ${req.originalUrl} answered ${status}: ${message}`, { requestId });
      else logger.error(`Request ${req.method} ${req.originalUrl} failed with ${status}: ${message}`, { requestId, stack: isError(error) ? error.stack : undefined });
      if (status === 503 && !res.getHeader('retry-after')) res.setHeader('retry-after', RETRY_AFTER_SECONDS);
      const body = serverErrorBody(status);
      res.status(status).json({ error: { name: body.name, message: exposed ? message : body.message, requestId } });
      return;
    }
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
    // 401 and 403 (missing or bad credentials, CSRF, default deny, denied permissions) go to the audit log.
    recordDeniedRequest(req, status, error);
    res.status(status).json({ error: { ...body, requestId } });
  };
}
