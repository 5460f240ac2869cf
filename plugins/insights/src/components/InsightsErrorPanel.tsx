import { ErrorPanel } from '@portico/core-components';
import { ResponseError } from '@portico/errors';

/** The backend's own message (it names the field or the ref), without the error's class name. */
export function messageOf(error: Error): string {
  return error instanceof ResponseError && error.body?.message ? error.body.message : error.message;
}

/** What went wrong, by the status the portal answered; an error without one never reached the portal. */
function describe(error: Error): { title: string; message: string; severity: 'error' | 'warning' } {
  if (!(error instanceof ResponseError)) {
    return { title: 'Could not reach the portal', message: `The request for insights failed before the portal answered: ${error.message}`, severity: 'error' };
  }
  const message = messageOf(error);
  switch (error.statusCode) {
    case 404:
      // the host's own 404 for /api/insights when no plugin serves it, or a ref the backend does not know
      return {
        title: 'Insights are not available',
        message: `${message}. Is @portico/plugin-insights-backend listed in backend.plugins (docs/insights.md)?`,
        severity: 'warning',
      };
    case 403:
      return { title: 'Not allowed', message: `You may not read these insights: ${message}`, severity: 'error' };
    case 400:
      return { title: 'The portal refused the request', message, severity: 'error' };
    default:
      return { title: 'Could not read insights', message, severity: 'error' };
  }
}

/** Why insights are missing: backend not installed (404), not allowed (403), a bad period (400), network, with a retry. */
export function InsightsErrorPanel({ error, onRetry }: { error: Error; onRetry?: () => void }) {
  const { title, message, severity } = describe(error);
  return <ErrorPanel title={title} error={new Error(message)} severity={severity} onRetry={onRetry} />;
}
