import { z } from 'zod';
import { parseEntityRef, stringifyEntityRef, type Entity } from '@portico/catalog-model';
import { InputError, NotFoundError } from '@portico/errors';
import { createTemplateAction, type TemplateAction } from '@portico/plugin-scaffolder-node';
import { PagerDutyIncidentService, MAX_INCIDENT_TITLE } from '../service/PagerDutyIncidentService';
import { annotatedServiceTarget, noServiceError, type PagerDutyServiceTarget } from '../service/PagerDutyEntityService';
import { PagerDutyServiceCreator } from '../service/PagerDutyServiceCreator';

/** Reads an entity from the catalog (as the scaffolder's service identity). */
export type EntityReader = (entityRef: string) => Promise<Entity | undefined>;

const targetInput = {
  entityRef: z.string().min(1).optional().describe('An entity annotated pagerduty.com/service-id or pagerduty.com/integration-key'),
  serviceId: z.string().regex(/^[A-Za-z0-9]{1,64}$/, 'a PagerDuty id: letters and digits only').optional().describe('A PagerDuty service id'),
  integrationKey: z.string().min(1).optional().describe('An Events API v2 integration key of the service'),
  account: z.string().min(1).optional().describe('The integrations.pagerduty account (default: the default account)'),
};

/** The service the input names: exactly one of entityRef, serviceId, integrationKey. */
async function targetOf(input: { entityRef?: string; serviceId?: string; integrationKey?: string; account?: string }, readEntity: EntityReader): Promise<PagerDutyServiceTarget> {
  const given = [input.entityRef, input.serviceId, input.integrationKey].filter(Boolean).length;
  if (given !== 1) throw new InputError('Name the PagerDuty service with exactly one of entityRef, serviceId or integrationKey');
  if (input.entityRef) {
    let ref: string;
    try {
      ref = stringifyEntityRef(parseEntityRef(input.entityRef, { defaultKind: 'component', defaultNamespace: 'default' })).toLowerCase();
    } catch (cause) {
      throw new InputError(`Invalid entityRef '${input.entityRef}': ${(cause as Error).message}`);
    }
    const entity = await readEntity(ref);
    if (!entity) throw new NotFoundError(`No entity ${ref} in the catalog`);
    const target = annotatedServiceTarget(entity, ref);
    if (!target) throw noServiceError(ref);
    return input.account ? { ...target, account: input.account } : target;
  }
  return { account: input.account, serviceId: input.serviceId, integrationKey: input.integrationKey };
}

/**
 * `pagerduty:incident:create`: triggers an incident on a service. With `from` (the email of a PagerDuty user) through
 * REST `POST /incidents` as that user (urgency as chosen; outputs the incident); otherwise through the Events API v2
 * with the service's integration key (urgency as severity: high is critical, low is warning; outputs the dedup key).
 */
export function createIncidentAction(incidents: PagerDutyIncidentService, readEntity: EntityReader): TemplateAction {
  return createTemplateAction({
    id: 'pagerduty:incident:create',
    description: 'Triggers a PagerDuty incident on a service (REST POST /incidents with `from`, else the Events API v2 with the service\'s integration key).',
    examples: [
      {
        description: 'Page the owners of a component',
        example: 'action: pagerduty:incident:create\ninput:\n  entityRef: component:default/payments\n  title: Card payments failing\n  urgency: high\n  description: Since 10:02, every card payment answers 502.',
      },
    ],
    supportsDryRun: true,
    // Resumed after a crash, a trigger could page twice: the checkpoint below protects it.
    resumable: true,
    schema: {
      input: z.object({
        ...targetInput,
        title: z.string().max(MAX_INCIDENT_TITLE).describe('What is broken, as the person paged reads it'),
        urgency: z.enum(['high', 'low']).default('high'),
        description: z.string().max(10_000).optional(),
        from: z.string().email().optional().describe('The email of a PagerDuty user: create the incident through the REST API as them'),
        dedupKey: z.string().max(255).optional().describe('Events API v2: an open alert with the same key is updated, not duplicated'),
        source: z.string().max(255).optional().describe('Events API v2 payload.source (default portico)'),
      }),
      output: z.object({
        method: z.enum(['rest', 'events']),
        account: z.string(),
        serviceId: z.string().optional(),
        incidentId: z.string().optional(),
        incidentNumber: z.number().optional(),
        incidentUrl: z.string().optional(),
        dedupKey: z.string().optional(),
      }),
    },
    async handler(ctx) {
      const title = PagerDutyIncidentService.checkTitle(ctx.input.title);
      const target = await targetOf(ctx.input, readEntity);
      if (ctx.isDryRun) {
        ctx.logger.info(`Dry run: would trigger a ${ctx.input.urgency}-urgency incident '${title}' ${ctx.input.from ? `as ${ctx.input.from} through the REST API` : 'through the Events API v2'}`);
        ctx.output('method', ctx.input.from ? 'rest' : 'events');
        ctx.output('account', target.account ?? 'default');
        return;
      }
      const result: Record<string, string | number> = await ctx.checkpoint(`pagerduty:incident:create:${ctx.stepId}`, async () => {
        const triggered = await incidents.trigger({
          target,
          title,
          urgency: ctx.input.urgency,
          description: ctx.input.description,
          from: ctx.input.from,
          dedupKey: ctx.input.dedupKey,
          source: ctx.input.source,
          context: { ...(ctx.input.entityRef ? { entity: ctx.input.entityRef } : {}), ...(ctx.user.ref ? { 'triggered by': ctx.user.ref } : {}), 'portico run': ctx.taskId },
        });
        const out: Record<string, string | number> = { method: triggered.method, account: triggered.account };
        if (triggered.serviceId) out.serviceId = triggered.serviceId;
        if (triggered.method === 'rest') Object.assign(out, { incidentId: triggered.incident.id, incidentNumber: triggered.incident.number, incidentUrl: triggered.incident.htmlUrl });
        else out.dedupKey = triggered.dedupKey;
        return out;
      });
      for (const [name, value] of Object.entries(result)) ctx.output(name, value);
      ctx.logger.info(result.method === 'rest' ? `Triggered incident #${result.incidentNumber} ${result.incidentUrl}` : `Triggered an incident through the Events API v2 (dedup key ${result.dedupKey})`);
    },
  });
}

/**
 * `pagerduty:service:create`: creates a service with an escalation policy (an existing one, or one created from
 * levels) and, when asked, an Events API v2 integration; outputs the service id so a template can annotate the new
 * component with `pagerduty.com/service-id`.
 */
export function createServiceAction(creator: PagerDutyServiceCreator): TemplateAction {
  const target = z.object({ type: z.enum(['user', 'schedule']), id: z.string().regex(/^[A-Za-z0-9]{1,64}$/, 'a PagerDuty id') });
  return createTemplateAction({
    id: 'pagerduty:service:create',
    description: 'Creates a PagerDuty service with an escalation policy; outputs its id for the pagerduty.com/service-id annotation.',
    examples: [
      {
        description: 'A service paging a schedule, then a user',
        example:
          'action: pagerduty:service:create\ninput:\n  name: payments\n  escalationPolicy:\n    levels:\n      - { delayMinutes: 15, targets: [{ type: schedule, id: PSCHED1 }] }\n      - { delayMinutes: 30, targets: [{ type: user, id: PUSER01 }] }\n  createIntegrationKey: true',
      },
    ],
    supportsDryRun: true,
    resumable: true,
    schema: {
      input: z.object({
        name: z.string().max(255),
        description: z.string().max(1024).optional(),
        account: z.string().min(1).optional(),
        escalationPolicyId: z.string().regex(/^[A-Za-z0-9]{1,64}$/, 'a PagerDuty id').optional().describe('An existing escalation policy'),
        escalationPolicy: z
          .object({
            name: z.string().max(255).optional(),
            numLoops: z.number().int().min(0).max(9).optional(),
            levels: z.array(z.object({ delayMinutes: z.number().int().min(1).default(30), targets: z.array(target) })),
          })
          .optional()
          .describe('A policy to create: levels lowest first, each paging users or schedules'),
        createIntegrationKey: z.boolean().default(false).describe('Also add an Events API v2 integration and output its key'),
      }),
      output: z.object({ serviceId: z.string(), serviceUrl: z.string(), escalationPolicyId: z.string(), integrationKey: z.string().optional(), account: z.string() }),
    },
    async handler(ctx) {
      PagerDutyServiceCreator.check(ctx.input);
      if (ctx.isDryRun) {
        ctx.logger.info(`Dry run: would create the PagerDuty service '${ctx.input.name.trim()}' ${ctx.input.escalationPolicyId ? `with escalation policy ${ctx.input.escalationPolicyId}` : 'and its escalation policy'}`);
        ctx.output('serviceId', 'PDRYRUN');
        ctx.output('serviceUrl', 'https://pagerduty.com/service-directory/PDRYRUN');
        ctx.output('escalationPolicyId', ctx.input.escalationPolicyId ?? 'PDRYRUN');
        ctx.output('account', ctx.input.account ?? 'default');
        return;
      }
      const created = await creator.create(ctx.input, (key, fn) => ctx.checkpoint(key, fn));
      ctx.output('serviceId', created.serviceId);
      ctx.output('serviceUrl', created.htmlUrl);
      ctx.output('escalationPolicyId', created.escalationPolicyId);
      ctx.output('account', created.account);
      if (created.integrationKey) ctx.output('integrationKey', created.integrationKey);
      ctx.logger.info(`Created the PagerDuty service ${created.serviceId} ${created.htmlUrl}`);
    },
  });
}

/** `pagerduty:change-event`: sends a change event (a deploy, a config change) to a service through the Events API v2. */
export function createChangeEventAction(incidents: PagerDutyIncidentService, readEntity: EntityReader): TemplateAction {
  return createTemplateAction({
    id: 'pagerduty:change-event',
    description: 'Sends a change event (deploy, config change) to a PagerDuty service through the Events API v2 (POST /v2/change/enqueue).',
    examples: [{ description: 'Record a deploy', example: 'action: pagerduty:change-event\ninput:\n  entityRef: component:default/payments\n  summary: Deploy payments v1.2.3\n  source: portico' }],
    supportsDryRun: true,
    schema: {
      input: z.object({
        ...targetInput,
        summary: z.string().max(MAX_INCIDENT_TITLE),
        source: z.string().max(255).optional(),
        timestamp: z.string().datetime({ offset: true }).optional(),
        customDetails: z.record(z.string(), z.unknown()).optional(),
        links: z.array(z.object({ href: z.string().url(), text: z.string().optional() })).optional(),
      }),
      output: z.object({ account: z.string(), serviceId: z.string().optional() }),
    },
    async handler(ctx) {
      const target = await targetOf(ctx.input, readEntity);
      if (!ctx.input.summary.trim()) throw new InputError('A change event needs a summary: what changed, e.g. "Deploy payments v1.2.3"');
      if (ctx.isDryRun) {
        ctx.logger.info(`Dry run: would send the change event '${ctx.input.summary.trim()}'`);
        ctx.output('account', target.account ?? 'default');
        return;
      }
      const sent = await ctx.checkpoint(`pagerduty:change-event:${ctx.stepId}`, async () => {
        const r = await incidents.sendChangeEvent({ target, summary: ctx.input.summary, source: ctx.input.source, timestamp: ctx.input.timestamp, customDetails: ctx.input.customDetails, links: ctx.input.links });
        return { account: r.account, ...(r.serviceId ? { serviceId: r.serviceId } : {}) };
      });
      ctx.output('account', sent.account);
      if (sent.serviceId) ctx.output('serviceId', sent.serviceId);
      ctx.logger.info(`Sent the change event '${ctx.input.summary.trim()}'`);
    },
  });
}
