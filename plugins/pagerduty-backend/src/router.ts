import type { Router } from 'express';
import { z } from 'zod';
import { createRouteRegistry, type AuditorService, type AuthService, type Credentials, type HttpAuthService, type LoggerService, type PermissionsService } from '@portico/backend-plugin-api';
import { stringifyEntityRef, type Entity } from '@portico/catalog-model';
import { NotFoundError } from '@portico/errors';
import { PagerDutyUnavailableError } from './integration/pagerdutyErrors';
import type { CatalogApi } from '@portico/plugin-catalog-common';
import { pagerdutyEntitySummarySchema } from '@portico/plugin-pagerduty-common';
import { serviceTargetOf, type PagerDutyEntityService } from './service/PagerDutyEntityService';

const name = z.string().min(1).max(253).regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, ., _ and - only');
const entityParams = z.object({ kind: name, namespace: name, name });

/** Routes under /api/pagerduty: what the "On call" card and "Incidents" tab show for an entity. */
export function createRouter(options: {
  service: PagerDutyEntityService;
  catalog: CatalogApi;
  auth: AuthService;
  logger: LoggerService;
  httpAuth?: HttpAuthService;
  permissions?: PermissionsService;
  auditor?: AuditorService;
}): Router {
  const { service, catalog, auth } = options;
  const routes = createRouteRegistry({
    pluginId: 'pagerduty',
    title: 'Portico PagerDuty',
    description: 'On-call, escalation policy, open incidents, change events and 30-day analytics of the PagerDuty service of an entity.',
    httpAuth: options.httpAuth,
    permissions: options.permissions,
    auditor: options.auditor,
  });

  /** The entity as the caller may see it: read from the catalog on their behalf, so its read permission decides. */
  async function entityFor(credentials: Credentials, params: z.output<typeof entityParams>): Promise<{ entity: Entity; entityRef: string }> {
    const entityRef = stringifyEntityRef({ kind: params.kind, namespace: params.namespace, name: params.name }).toLowerCase();
    const { token } = await auth.getPluginRequestToken({ onBehalfOf: credentials, targetPluginId: 'catalog' });
    const entity = await catalog.getEntityByRef(entityRef, { token });
    if (!entity) throw new NotFoundError(`No entity ${entityRef} in the catalog`);
    return { entity, entityRef };
  }

  routes.route(
    {
      method: 'get',
      path: '/entities/:kind/:namespace/:name/summary',
      summary: 'On-call and incidents of an entity',
      description:
        'The PagerDuty service named by the entity\'s pagerduty.com/service-id (or pagerduty.com/integration-key) annotation: its escalation ' +
        'policy with levels and targets, who is on call at each level now and until when, open (triggered and acknowledged) incidents, ' +
        'change events of the last 7 days and 30-day analytics. Cached (60 s for on-call and incidents, 1 h for analytics by default). ' +
        'Read as the caller: an entity they may not read is a 404.',
      params: entityParams,
      response: { description: 'What the card and tab show', schema: pagerdutyEntitySummarySchema },
      errors: {
        403: 'The PagerDuty key has no access to the service',
        404: 'No such entity, no PagerDuty annotation, unknown account, or no such PagerDuty service',
        503: 'PagerDuty is unreachable, slow, rate-limiting, or refused the key',
      },
    },
    async ({ params, credentials, res }) => {
      const { entity, entityRef } = await entityFor(credentials, params);
      try {
        return await service.getSummary({ entityRef, target: serviceTargetOf(entity, entityRef) });
      } catch (error) {
        if (!(error instanceof PagerDutyUnavailableError)) throw error;
        // The host hides 5xx messages; this one names no host or URL, and the card needs to say why it is empty.
        options.logger.warn(`PagerDuty summary of ${entityRef} failed: ${error.message}`);
        res.status(503).json({ error: { name: 'ServiceUnavailableError', message: error.message } });
        return undefined;
      }
    },
  );

  return routes.router;
}
