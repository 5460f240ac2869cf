import { parseEntityRef } from '@portico/catalog-model';

/** Where the plugin's pages live. */
export const SCORECARDS_ROOT = '/scorecards';

/** `scorecard:default/prod` → `/scorecards/default/prod`. */
export function scorecardRoute(scorecardRef: string): string {
  const { namespace, name } = parseEntityRef(scorecardRef, { defaultKind: 'scorecard' });
  return `${SCORECARDS_ROOT}/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`;
}
