import type { AuthService, DiscoveryService, EventsService, LoggerService } from '@portico/backend-plugin-api';
import type { CatalogApi } from '@portico/plugin-catalog-common';
import { JIRA_ISSUE_TOPICS, type JiraIssueEvent } from '@portico/plugin-jira-common';
import type { JiraClients } from '../integration/JiraClients';
import { mappingOf } from '../jql';
import { collectMappingFacts, type JiraSecurityIssues } from './JiraFactCollector';

/**
 * Keeps facts current between scheduled runs: on every `jira.issue.*` event it reads the facts of each matching
 * entity again and pushes them to `POST /api/scorecards/facts` (source `jira`, as the collector stores them), which
 * re-evaluates the entity. The webhook is answered without waiting for Jira; a failure is logged and the next
 * scheduled run catches up.
 */
export async function pushFactsOnIssue(options: {
  events: EventsService;
  clients: JiraClients;
  catalog: CatalogApi;
  discovery: DiscoveryService;
  auth: AuthService;
  logger: LoggerService;
  securityIssues?: JiraSecurityIssues;
}): Promise<void> {
  const { events, clients, catalog, discovery, auth, logger } = options;

  async function push(event: JiraIssueEvent): Promise<void> {
    const url = `${await discovery.getBaseUrl('scorecards')}/facts`;
    const own = await auth.getOwnServiceCredentials();
    const { token } = await auth.getPluginRequestToken({ onBehalfOf: own, targetPluginId: 'scorecards' });
    const catalogToken = (await auth.getPluginRequestToken({ onBehalfOf: own, targetPluginId: 'catalog' })).token;
    for (const entityRef of event.entityRefs) {
      const entity = await catalog.getEntityByRef(entityRef, catalogToken ? { token: catalogToken } : undefined);
      const mapping = entity ? mappingOf(entity, entityRef) : undefined;
      if (!mapping) continue;
      const facts = await collectMappingFacts({ clients, mapping, securityIssues: options.securityIssues });
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ entityRef, source: 'jira', facts }),
        signal: AbortSignal.timeout(10_000),
      });
      if (!response.ok) throw new Error(`scorecards answered ${response.status} to the facts of ${entityRef}: ${(await response.text()).slice(0, 300)}`);
      await response.body?.cancel();
    }
  }

  await events.subscribe({
    id: 'scorecards-jira-facts',
    topics: [...JIRA_ISSUE_TOPICS],
    onEvent: ({ payload }) => {
      const event = payload as JiraIssueEvent;
      if (!event?.entityRefs?.length) return;
      push(event).catch((error: unknown) => logger.warn(`Jira facts after ${event.webhookEvent} of ${event.issue?.key} not pushed: ${(error as Error).message}`));
    },
  });
}
