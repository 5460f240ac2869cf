import express, { type NextFunction, type Request, type Response } from 'express';
import { InputError, PayloadTooLargeError } from '@portico/errors';
import { findForbiddenKey, jsonNestingExceeds } from './untrustedJson';

export interface JsonBodyParserOptions {
  /** e.g. '1mb'; a larger body is a 413. */
  limit: string;
  /** How deeply arrays and objects may nest; a deeper body is a 400 before it is parsed. */
  maxDepth: number;
  /** The limit of this request's route when it declares one (`bodyLimit` on a typed route); else `limit`. */
  limitFor?: (req: Request) => string | undefined;
}

const TOO_DEEP = 'entity.too.deep';

/**
 * Whether the request carries a body, by the same rule body-parser applies (type-is `hasBody`): a
 * `transfer-encoding` header or a `content-length` header (even `0`, which body-parser parses as `{}`).
 */
function mayHaveBody(req: Request): boolean {
  return req.headers['transfer-encoding'] !== undefined || req.headers['content-length'] !== undefined;
}

/** The body as text for the nesting scan: UTF-8 bytes can be scanned as they are, other charsets are decoded. */
function scannable(buf: Buffer, encoding: string): Buffer | string {
  if (/^utf-?8$/i.test(encoding)) return buf;
  try {
    return new TextDecoder(encoding).decode(buf);
  } catch {
    return buf;
  }
}

/**
 * Parses JSON bodies up to `limit`; a body too large is a 413, malformed JSON, a body nested deeper than
 * `maxDepth` or one carrying a `__proto__`, `constructor` or `prototype` key a 400, all typed.
 * The nesting is measured on the raw text before parsing (deep values overflow the stack of whatever walks
 * them later); the keys are refused because no request has a use for them and code merging the body into
 * another object could otherwise change that object's prototype.
 * The exact bytes stay on `req.rawBody`, because signed webhooks (GitHub's X-Hub-Signature-256) are
 * verified against what was sent, not against a re-serialisation.
 *
 * Requests without a body (most GETs) skip body-parser and its per-request callback altogether, with
 * `req.body` undefined as body-parser would leave it.
 */
export function jsonBodyParser(options: JsonBodyParserOptions) {
  const { maxDepth, limitFor } = options;
  // One body-parser per limit in use: the default, and each larger or smaller limit a route declares.
  const parsers = new Map<string, ReturnType<typeof express.json>>();
  const parserFor = (limit: string) => {
    let parse = parsers.get(limit);
    if (!parse) {
      parse = express.json({
        limit,
        verify: (req, _res, buf, encoding) => {
          (req as Request & { rawBody?: Buffer }).rawBody = buf;
          if (jsonNestingExceeds(scannable(buf, encoding), maxDepth)) {
            throw Object.assign(new Error(`nested deeper than ${maxDepth}`), { type: TOO_DEEP });
          }
        },
      });
      parsers.set(limit, parse);
    }
    return parse;
  };
  parserFor(options.limit);
  return (req: Request, res: Response, next: NextFunction) => {
    if (!mayHaveBody(req)) {
      // As body-parser does: the property exists, undefined, so `'body' in req` holds after the parser either way.
      if (!('body' in req)) (req as { body?: unknown }).body = undefined;
      return next();
    }
    const limit = limitFor?.(req) ?? options.limit;
    parserFor(limit)(req, res, (error?: unknown) => {
      if (!error) {
        const raw = (req as Request & { rawBody?: Buffer }).rawBody;
        const forbidden = raw === undefined ? undefined : findForbiddenKey(req.body, raw);
        if (forbidden) {
          return next(
            new InputError(`Request body has the key '${forbidden.key}' at ${forbidden.path}; __proto__, constructor and prototype are not allowed as keys`, {
              path: forbidden.path,
            }),
          );
        }
        return next();
      }
      const type = (error as { type?: string }).type;
      if (type === 'entity.too.large') {
        return next(new PayloadTooLargeError(`Request body is larger than the limit of ${limit}`, { limit }));
      }
      if (type === TOO_DEEP) {
        return next(new InputError(`Request body is nested deeper than the limit of ${maxDepth} levels`, { maxDepth }));
      }
      if (type === 'entity.parse.failed') {
        return next(new InputError(`Malformed JSON in request body: ${(error as Error).message}`));
      }
      return next(error);
    });
  };
}
