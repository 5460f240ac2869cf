import { Alert, AlertTitle, Stack } from '@mui/material';
import { ErrorPanel } from '@portico/core-components';
import { ResponseError } from '@portico/errors';
import { humanizeEntityRef } from '@portico/plugin-catalog-react';
import type { JiraEntityError } from '@portico/plugin-jira-common';

/** The backend's own message (it names the site and the cause), without the error's class name. */
export function messageOf(error: Error): string {
  return error instanceof ResponseError && error.body?.message ? error.body.message : error.message;
}

/** Jira said no to the portal's credentials (not a refused TCP connection, ECONNREFUSED, which is unreachable). */
const refused = (message: string) => /\brefused (the|its|our)\b|credentials|unauthori[sz]ed|\b401\b/i.test(message);

const rateLimited = (message: string) => /rate.?limit/i.test(message);

/** Why Jira could not be used, from the backend's message (it answers 503 for all of these). */
function unavailableTitle(message: string): string {
  if (refused(message)) return "Jira refused the portal's credentials";
  if (rateLimited(message)) return 'Jira is rate limiting the portal';
  return 'Jira is unreachable';
}

/** The title that says what went wrong, by the status the backend answered (docs/integrations/jira.md, Errors). */
function titleOf(error: Error): string {
  const status = error instanceof ResponseError ? error.statusCode : undefined;
  const message = messageOf(error);
  if (status === 503 || status === 502 || status === 504) return unavailableTitle(message);
  if (status === 429) return 'Jira is rate limiting the portal';
  // The backend's 403 is either Jira refusing the portal's credentials a project, or the portal refusing the caller.
  if (status === 403) return /credentials of Jira site/.test(message) ? 'Jira does not let the portal see this' : 'Not allowed';
  if (status === 404) return 'Not found in Jira';
  if (status === 400) return 'Jira rejected the query';
  return 'Could not read Jira';
}

/** Why the Jira data is missing altogether: unreachable, credentials refused, not found, bad query; with a retry. */
export function JiraErrorPanel({ error, onRetry }: { error: Error; onRetry?: () => void }) {
  const notFound = error instanceof ResponseError && error.statusCode === 404;
  return <ErrorPanel title={titleOf(error)} error={new Error(messageOf(error))} severity={notFound ? 'warning' : 'error'} onRetry={onRetry} />;
}

const entityErrorTitle: Record<JiraEntityError['kind'], string> = {
  'invalid-jql': 'Jira rejected the JQL',
  'project-not-found': 'Jira project not found',
  unavailable: 'Jira is unreachable',
  'invalid-annotation': 'Invalid Jira annotation',
};

function titleOfEntityError(error: JiraEntityError): string {
  return error.kind === 'unavailable' ? unavailableTitle(error.message) : entityErrorTitle[error.kind];
}

/**
 * The parts of an answer that could not be read (a component's project missing, its JQL rejected, its site down),
 * each naming the entity, so the rest of the view stays useful.
 */
export function JiraEntityErrors({ errors, entityRef }: { errors: JiraEntityError[]; entityRef: string }) {
  if (!errors.length) return null;
  return (
    <Stack spacing={1}>
      {errors.map(e => (
        <Alert key={`${e.entityRef}-${e.kind}-${e.message}`} severity={e.kind === 'project-not-found' ? 'warning' : 'error'}>
          <AlertTitle>
            {titleOfEntityError(e)}
            {e.entityRef !== entityRef ? ` for ${humanizeEntityRef(e.entityRef)}` : ''}
          </AlertTitle>
          {e.message}
        </Alert>
      ))}
    </Stack>
  );
}
