import express, { type NextFunction, type Request, type Response } from 'express';
import { InputError, PayloadTooLargeError } from '@portico/errors';

/**
 * Whether the request carries a body, by the same rule body-parser applies (type-is `hasBody`): a
 * `transfer-encoding` header or a `content-length` header (even `0`, which body-parser parses as `{}`).
 */
function mayHaveBody(req: Request): boolean {
  return req.headers['transfer-encoding'] !== undefined || req.headers['content-length'] !== undefined;
}

/**
 * Parses JSON bodies up to `limit`; a body too large is a 413 and malformed JSON a 400, both typed.
 * The exact bytes stay on `req.rawBody`, because signed webhooks (GitHub's X-Hub-Signature-256) are
 * verified against what was sent, not against a re-serialisation.
 *
 * Requests without a body (most GETs) skip body-parser and its per-request callback altogether, with
 * `req.body` undefined as body-parser would leave it.
 */
export function jsonBodyParser(limit: string) {
  const parse = express.json({
    limit,
    verify: (req, _res, buf) => {
      (req as Request & { rawBody?: Buffer }).rawBody = buf;
    },
  });
  return (req: Request, res: Response, next: NextFunction) => {
    if (!mayHaveBody(req)) {
      // As body-parser does: the property exists, undefined, so `'body' in req` holds after the parser either way.
      if (!('body' in req)) (req as { body?: unknown }).body = undefined;
      return next();
    }
    parse(req, res, (error?: unknown) => {
      if (!error) return next();
      const type = (error as { type?: string }).type;
      if (type === 'entity.too.large') {
        return next(new PayloadTooLargeError(`Request body is larger than the limit of ${limit}`, { limit }));
      }
      if (type === 'entity.parse.failed') {
        return next(new InputError(`Malformed JSON in request body: ${(error as Error).message}`));
      }
      return next(error);
    });
  };
}
