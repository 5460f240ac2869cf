import { ErrorPanel } from '@portico/core-components';
import { ResponseError } from '@portico/errors';

/** The title that says what went wrong, by the status the backend answered (docs/integrations/pagerduty.md, Errors). */
function titleOf(error: Error): string {
  const status = error instanceof ResponseError ? error.statusCode : undefined;
  const message = messageOf(error);
  if (status === 503) return /refused the API key/.test(message) ? "PagerDuty refused the portal's key" : 'PagerDuty is unreachable';
  // The backend's 403 is either PagerDuty refusing the key a service, or the portal refusing the caller a permission.
  if (status === 403) return /API key of PagerDuty/.test(message) ? 'The PagerDuty key has no access' : 'Not allowed';
  if (status === 404) return 'Not found in PagerDuty';
  return 'Could not read PagerDuty';
}

/** The backend's own message (it names the account and the cause), without the error's class name. */
export function messageOf(error: Error): string {
  return error instanceof ResponseError && error.body?.message ? error.body.message : error.message;
}

/** Why PagerDuty data is missing: unreachable (503), a key without access (403), not found (404), with a retry. */
export function PagerDutyErrorPanel({ error, onRetry }: { error: Error; onRetry?: () => void }) {
  const notFound = error instanceof ResponseError && error.statusCode === 404;
  return <ErrorPanel title={titleOf(error)} error={new Error(messageOf(error))} severity={notFound ? 'warning' : 'error'} onRetry={onRetry} />;
}
