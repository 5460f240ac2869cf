import { InputError, NotAllowedError, NotFoundError, PorticoError, ServiceUnavailableError } from '@portico/errors';

/**
 * PagerDuty could not be used (unreachable, slow, rate-limiting, refusing the key). Its message names only the
 * account id, the thing read and PagerDuty's status, never a URL or host, so the API may show it to the caller.
 */
export class PagerDutyUnavailableError extends ServiceUnavailableError {
  override readonly expose = true;
}

/**
 * The service itself is not there: PagerDuty answered 404 for the service, or no service of the account has the
 * integration key. Only this says an entity has no service; a 404 of something read about a service (its escalation
 * policy deleted meanwhile, ...) does not. Still named `NotFoundError` (a 404) in the API, as before.
 */
export class PagerDutyServiceNotFoundError extends NotFoundError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, undefined, options);
    this.name = 'NotFoundError';
  }
}

/** What PagerDuty said, from its REST `{ error: { message, code, errors } }` or Events API `{ status, message, errors }` body. */
export function pagerdutyErrorMessage(body: unknown): string | undefined {
  const rest = (body as { error?: { message?: unknown; errors?: unknown } } | undefined)?.error;
  const events = body && typeof body === 'object' && 'status' in body && 'message' in body ? (body as { message?: unknown; errors?: unknown }) : undefined;
  const error = rest ?? events;
  if (!error || typeof error !== 'object') return undefined;
  const details = Array.isArray(error.errors) ? error.errors.filter(e => typeof e === 'string') : [];
  const message = typeof error.message === 'string' ? error.message : undefined;
  return [message, ...details].filter(Boolean).join(': ') || undefined;
}

/**
 * Maps a PagerDuty answer to a typed error whose message names the account and what was being read.
 * A refused key is the portal's configuration problem, not the caller's: it is a 503, never a 401 that
 * would tell the browser to sign in again.
 */
export function pagerdutyStatusError(options: { status: number; account: string; what: string; body?: unknown; verb?: string }): PorticoError {
  const { status, account, what } = options;
  const verb = options.verb ?? 'reading';
  const said = pagerdutyErrorMessage(options.body);
  const suffix = said ? ` (PagerDuty: ${said})` : '';
  switch (status) {
    case 401:
      return new PagerDutyUnavailableError(`PagerDuty refused the API key of account '${account}' while ${verb} ${what}: the key is wrong or revoked${suffix}`);
    case 403:
      return verb === 'reading'
        ? new NotAllowedError(`The API key of PagerDuty account '${account}' has no access to ${what}${suffix}`)
        : new NotAllowedError(`The API key of PagerDuty account '${account}' is not allowed ${verb} ${what} (a read-only key cannot write)${suffix}`);
    case 404:
      return new NotFoundError(`Not found in PagerDuty account '${account}': ${what}${suffix}`);
    case 400:
      return new InputError(`PagerDuty rejected ${verb === 'reading' ? 'the request for ' : ''}${what}${suffix}`);
    case 429:
      return new PagerDutyUnavailableError(`PagerDuty rate limit exceeded for account '${account}' while ${verb} ${what}; try again shortly`);
    default:
      return new PagerDutyUnavailableError(`PagerDuty answered ${status} for ${what} (account '${account}')${suffix}`);
  }
}

/** A request that never got an answer: timeout or network failure. */
export function pagerdutyUnreachableError(options: { account: string; what: string; timeoutMs: number; cause: unknown; verb?: string }): PorticoError {
  const { account, what, timeoutMs, cause } = options;
  const verb = options.verb ?? 'reading';
  const timedOut = (cause as Error)?.name === 'TimeoutError' || (cause as Error)?.name === 'AbortError';
  // The cause's message may name the host; only its code (ECONNREFUSED, ...) is shown.
  const code = (cause as { cause?: { code?: unknown } })?.cause?.code;
  const reason = timedOut ? `no answer within ${timeoutMs} ms` : `network error${typeof code === 'string' ? ` (${code})` : ''}`;
  return new PagerDutyUnavailableError(`PagerDuty is unreachable for account '${account}' while ${verb} ${what}: ${reason}`, undefined, { cause });
}
