import { ResponseError } from '@portico/errors';

/** The error the client throws for a backend answer with `status` and `{ error: { name, message } }`. */
export function responseError(status: number, name: string, message: string): ResponseError {
  return new ResponseError(`${name}: ${message}`, { status }, { name, message });
}
