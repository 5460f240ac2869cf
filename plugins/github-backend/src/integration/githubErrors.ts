import {
  AuthenticationError,
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  PorticoError,
  ServiceUnavailableError,
} from '@portico/errors';

/** Maps an Octokit RequestError to a typed error whose message names what was being read. */
export function toPorticoError(error: unknown, what: string): Error {
  if (error instanceof PorticoError) return error;
  // GitHub did not answer in time: said to the caller (it names the host and the wait, nothing internal).
  if ((error as { timedOut?: unknown })?.timedOut === true) {
    return new ServiceUnavailableError(`${(error as Error).message} while reading ${what}`, undefined, { cause: error, expose: true });
  }
  const status = (error as { status?: number }).status;
  const message = (error as Error)?.message ?? String(error);
  switch (status) {
    case 401:
      return new AuthenticationError(`GitHub refused the credentials while reading ${what}: ${message}`);
    case 403:
      return new NotAllowedError(`GitHub denied access to ${what}: ${message}`);
    case 404:
      return new NotFoundError(`Not found on GitHub: ${what}`);
    case 409:
    case 422:
      return new ConflictError(`GitHub rejected the request for ${what}: ${message}`);
    case 429:
      return new ServiceUnavailableError(`GitHub rate limit exceeded while reading ${what}: ${message}`);
    case 400:
      return new InputError(`GitHub rejected the request for ${what}: ${message}`);
    default:
      return new ServiceUnavailableError(`GitHub request for ${what} failed: ${message}`, undefined, { cause: error });
  }
}
