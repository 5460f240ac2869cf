import { InputError, NotAllowedError, NotFoundError, PorticoError, ServiceUnavailableError } from '@portico/errors';

/**
 * Jira could not be used (unreachable, slow, rate-limiting, refusing the credentials). Its message names only the
 * site's host, the thing read and Jira's status, never a URL with credentials, so the API may show it to the caller.
 */
export class JiraUnavailableError extends ServiceUnavailableError {
  override readonly expose = true;
}

/** Jira rejected a JQL query (400 on search or count): a catalog error on the entity, a clear message in the API. */
export class JiraQueryError extends InputError {}

/** What Jira said, from its `{ errorMessages: [], errors: { field: message } }` body. */
export function jiraErrorMessage(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const { errorMessages, errors, message } = body as { errorMessages?: unknown; errors?: unknown; message?: unknown };
  const parts: string[] = [];
  if (Array.isArray(errorMessages)) parts.push(...errorMessages.filter((m): m is string => typeof m === 'string'));
  if (errors && typeof errors === 'object') for (const [field, m] of Object.entries(errors)) if (typeof m === 'string') parts.push(`${field}: ${m}`);
  if (parts.length === 0 && typeof message === 'string') parts.push(message);
  return parts.join('; ') || undefined;
}

/**
 * Maps a Jira answer to a typed error naming the site and what was read. Refused credentials are the portal's
 * configuration problem, not the caller's: a 503, never a 401 that would tell the browser to sign in again.
 */
export function jiraStatusError(options: { status: number; host: string; what: string; body?: unknown; verb?: string; query?: boolean }): PorticoError {
  const { status, host, what } = options;
  const verb = options.verb ?? 'reading';
  const said = jiraErrorMessage(options.body);
  const suffix = said ? ` (Jira: ${said})` : '';
  switch (status) {
    case 400:
      return options.query ? new JiraQueryError(`Jira rejected the query for ${what}${suffix}`) : new InputError(`Jira refused ${verb} ${what}${suffix}`);
    case 401:
      return new JiraUnavailableError(`Jira site '${host}' refused the credentials while ${verb} ${what}: the token is wrong, expired or revoked${suffix}`);
    case 403:
      return new NotAllowedError(`The credentials of Jira site '${host}' are not allowed ${verb} ${what}${suffix}`);
    case 404:
      return new NotFoundError(`Not found on Jira site '${host}': ${what} (it does not exist, or the token cannot see it)${suffix}`);
    case 429:
      return new JiraUnavailableError(`Jira site '${host}' is rate-limiting the portal while ${verb} ${what}; try again shortly`);
    default:
      return new JiraUnavailableError(`Jira site '${host}' answered ${status} while ${verb} ${what}${suffix}`);
  }
}

/** A request that never got an answer: timeout or network failure. */
export function jiraUnreachableError(options: { host: string; what: string; timeoutMs: number; cause: unknown; verb?: string }): PorticoError {
  const { host, what, timeoutMs, cause } = options;
  const verb = options.verb ?? 'reading';
  const timedOut = (cause as Error)?.name === 'TimeoutError' || (cause as Error)?.name === 'AbortError';
  const code = (cause as { cause?: { code?: unknown } })?.cause?.code;
  const reason = timedOut ? `no answer within ${timeoutMs} ms` : `network error${typeof code === 'string' ? ` (${code})` : ''}`;
  return new JiraUnavailableError(`Jira site '${host}' is unreachable while ${verb} ${what}: ${reason}`, undefined, { cause });
}
