import express, { type NextFunction, type Request, type Response } from 'express';
import { InputError, PayloadTooLargeError } from '@portico/errors';

/**
 * Parses JSON bodies up to `limit`; a body too large is a 413 and malformed JSON a 400, both typed.
 * The exact bytes stay on `req.rawBody`, because signed webhooks (GitHub's X-Hub-Signature-256) are
 * verified against what was sent, not against a re-serialisation.
 */
export function jsonBodyParser(limit: string) {
  const parse = express.json({
    limit,
    verify: (req, _res, buf) => {
      (req as Request & { rawBody?: Buffer }).rawBody = buf;
    },
  });
  return (req: Request, res: Response, next: NextFunction) => {
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
