import type { Router } from 'express';
import { z } from 'zod';
import {
  audited,
  createRouteRegistry,
  type AuditorService,
  type AuthService,
  type Credentials,
  type HttpAuthService,
  type LoggerService,
  type PermissionsService,
} from '@portico/backend-plugin-api';
import { stringifyEntityRef, type Entity } from '@portico/catalog-model';
import { NotFoundError } from '@portico/errors';
import type { CatalogApi } from '@portico/plugin-catalog-common';
import {
  pagerdutyEntitySummarySchema,
  pagerdutyMappingUpdatePermission,
  pagerdutyServiceListSchema,
  pagerdutyServicesReadPermission,
} from '@portico/plugin-pagerduty-common';
import type { ServiceMappingStore } from './database/ServiceMappingStore';
import { PagerDutyUnavailableError } from './integration/pagerdutyErrors';
import { annotatedServiceTarget, noServiceError, type PagerDutyEntityService } from './service/PagerDutyEntityService';
import type { PagerDutyMappingService } from './service/PagerDutyMappingService';

const name = z.string().min(1).max(253).regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, ., _ and - only');
const entityParams = z.object({ kind: name, namespace: name, name });
const serviceParams = z.object({ account: name, serviceId: z.string().regex(/^[A-Za-z0-9]{1,64}$/, 'a PagerDuty id: letters and digits only') });
const entityRefSchema = z.string().max(800).regex(/^[A-Za-z0-9_.-]+:[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'an entity ref kind:namespace/name');
const savedMapping = z
  .object({ account: z.string(), serviceId: z.string(), entityRef: z.string(), mappedBy: z.string(), mappedAt: z.string() })
  .meta({ id: 'PagerDutySavedMapping' });

/** Routes under /api/pagerduty: what the card and tab show for an entity, and the services page's mapping. */
export function createRouter(options: {
  service: PagerDutyEntityService;
  mappings: PagerDutyMappingService;
  store: ServiceMappingStore;
  catalog: CatalogApi;
  auth: AuthService;
  logger: LoggerService;
  httpAuth?: HttpAuthService;
  permissions?: PermissionsService;
  auditor?: AuditorService;
}): Router {
  const { service, mappings, store, catalog, auth } = options;
  const routes = createRouteRegistry({
    pluginId: 'pagerduty',
    title: 'Portico PagerDuty',
    description: 'On-call, escalation policy, open incidents, change events and 30-day analytics of the PagerDuty service of an entity, and the mapping of services to entities.',
    httpAuth: options.httpAuth,
    permissions: options.permissions,
    auditor: options.auditor,
  });

  const catalogToken = async (credentials: Credentials) => (await auth.getPluginRequestToken({ onBehalfOf: credentials, targetPluginId: 'catalog' })).token;

  /** The entity as the caller may see it: read from the catalog on their behalf, so its read permission decides. */
  async function entityFor(credentials: Credentials, params: z.output<typeof entityParams>): Promise<{ entity: Entity; entityRef: string }> {
    const entityRef = stringifyEntityRef({ kind: params.kind, namespace: params.namespace, name: params.name }).toLowerCase();
    const entity = await catalog.getEntityByRef(entityRef, { token: await catalogToken(credentials) });
    if (!entity) throw new NotFoundError(`No entity ${entityRef} in the catalog`);
    return { entity, entityRef };
  }

  /** The host hides 5xx messages; a PagerDutyUnavailableError's names no host or URL, and the page needs to say why. */
  function answerUnavailable(error: unknown, what: string, res: import('express').Response): undefined {
    if (!(error instanceof PagerDutyUnavailableError)) throw error;
    options.logger.warn(`PagerDuty ${what} failed: ${error.message}`);
    res.status(503).json({ error: { name: 'ServiceUnavailableError', message: error.message } });
    return undefined;
  }

  routes.route(
    {
      method: 'get',
      path: '/entities/:kind/:namespace/:name/summary',
      summary: 'On-call and incidents of an entity',
      description:
        'The PagerDuty service named by the entity\'s pagerduty.com/service-id (or pagerduty.com/integration-key) annotation, or saved for it ' +
        'on the services page: its escalation policy with levels and targets, who is on call at each level now and until when, open ' +
        '(triggered and acknowledged) incidents, change events of the last 7 days and 30-day analytics. Cached (60 s for on-call and ' +
        'incidents, 1 h for analytics by default). Read as the caller: an entity they may not read is a 404.',
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
      let target = annotatedServiceTarget(entity, entityRef);
      if (!target) {
        const saved = await store.forEntity(entityRef);
        if (!saved) throw noServiceError(entityRef);
        target = { account: saved.account, serviceId: saved.serviceId };
      }
      try {
        return await service.getSummary({ entityRef, target });
      } catch (error) {
        return answerUnavailable(error, `summary of ${entityRef}`, res);
      }
    },
  );

  routes.route(
    {
      method: 'get',
      path: '/services',
      summary: 'An account\'s services and the entity each belongs to',
      description:
        'Every service of the account with its mapping (by annotation, or saved here) and, for an unmapped one, a component of the same ' +
        'name to suggest. The service list is cached for the analytics TTL; the catalog is read as the caller.',
      query: z.object({ account: name.optional() }),
      permission: pagerdutyServicesReadPermission,
      response: { description: 'The services', schema: pagerdutyServiceListSchema },
      errors: { 404: 'No such account', 503: 'PagerDuty is unreachable, slow, rate-limiting, or refused the key' },
    },
    async ({ query, credentials, res }) => {
      try {
        return await mappings.listServices({ account: query.account, token: await catalogToken(credentials) });
      } catch (error) {
        return answerUnavailable(error, 'service list', res);
      }
    },
  );

  routes.route(
    {
      method: 'put',
      path: '/services/:account/:serviceId/mapping',
      summary: 'Save the entity a service belongs to',
      description: 'Maps an unmapped PagerDuty service to an entity (usually a component); the entity\'s card then shows it. Replaces an earlier choice.',
      params: serviceParams,
      body: z.object({ entityRef: entityRefSchema }).strict(),
      permission: pagerdutyMappingUpdatePermission,
      response: { description: 'The saved mapping', schema: savedMapping },
      errors: { 404: 'No such account, PagerDuty service or entity', 503: 'PagerDuty is unreachable, slow, rate-limiting, or refused the key' },
    },
    async ({ params, body, credentials, req, res }) => {
      const mappedBy = credentials.principal.type === 'user' ? credentials.principal.userEntityRef : credentials.principal.type === 'service' ? credentials.principal.subject : 'unknown';
      const resourceRef = `${params.account}/${params.serviceId}`;
      try {
        return await audited(options.auditor, { action: 'pagerduty.mapping.update', resourceRef, request: req, meta: { entityRef: body.entityRef } }, async () =>
          mappings.saveMapping({ ...params, entityRef: body.entityRef, mappedBy, token: await catalogToken(credentials) }),
        );
      } catch (error) {
        return answerUnavailable(error, `mapping of ${resourceRef}`, res);
      }
    },
  );

  routes.route(
    {
      method: 'delete',
      path: '/services/:account/:serviceId/mapping',
      summary: 'Forget the entity saved for a service',
      description: 'The service is unmapped again (an annotation naming it still maps it).',
      params: serviceParams,
      permission: pagerdutyMappingUpdatePermission,
      response: { status: 204, description: 'Forgotten' },
      errors: { 404: 'No saved mapping for the service' },
    },
    async ({ params, req }) => {
      await audited(options.auditor, { action: 'pagerduty.mapping.delete', resourceRef: `${params.account}/${params.serviceId}`, request: req }, () => mappings.removeMapping(params));
      return undefined;
    },
  );

  return routes.router;
}
