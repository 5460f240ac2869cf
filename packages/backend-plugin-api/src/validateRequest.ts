import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { InputError } from '@portico/errors';
import type { ZodType, z } from 'zod';
import { formatZodIssues } from './routes/createRouteRegistry';

/** Parses a value with a zod schema, throwing an InputError that names the failing field. */
export function parseInput<T>(part: string, schema: ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new InputError(formatZodIssues(part, result.error), {
      issues: result.error.issues.map(i => ({ path: [part, ...i.path.map(p => String(p))].join('.'), message: i.message })),
    });
  }
  return result.data;
}

export interface ValidatedRequestSchemas<P extends ZodType, Q extends ZodType, B extends ZodType> {
  params?: P;
  query?: Q;
  body?: B;
}

/**
 * Express middleware that validates params, query and body with zod. On success the parsed
 * values are available as `res.locals.params`, `res.locals.query`, `res.locals.body`; on
 * failure the request ends in a 400 that names the field.
 */
export function validateRequest<P extends ZodType = ZodType, Q extends ZodType = ZodType, B extends ZodType = ZodType>(
  schemas: ValidatedRequestSchemas<P, Q, B>,
): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    try {
      if (schemas.params) res.locals.params = parseInput('params', schemas.params, req.params);
      if (schemas.query) res.locals.query = parseInput('query', schemas.query, req.query);
      if (schemas.body) res.locals.body = parseInput('body', schemas.body, req.body);
      next();
    } catch (e) {
      next(e);
    }
  };
}

export type Validated<S extends ZodType | undefined> = S extends ZodType ? z.output<S> : undefined;
