import type { Router } from 'express';
import { z } from 'zod';
import {
  audited,
  createRouteRegistry,
  type AuditorService,
  type Credentials,
  type HttpAuthService,
  type PermissionsService,
} from '@portico/backend-plugin-api';
import { InputError, NotAllowedError, NotFoundError } from '@portico/errors';
import { parseEntityRef, stringifyEntityRef } from '@portico/catalog-model';
import {
  scorecardsExemptionDecidePermission,
  scorecardsExemptionRequestPermission,
  scorecardsFactsCollectPermission,
  scorecardsFactsPushPermission,
  scorecardsInitiativeManagePermission,
} from '@portico/plugin-scorecards-common';
import type { ScorecardsService } from './service/ScorecardsService';
import {
  entityScorecards,
  evaluateResponse,
  exemption,
  fact,
  factsAccepted,
  initiative,
  initiativeProgress,
  itemsOf,
  notification,
  ownedResults,
  resultsPage,
  ruleResult,
  scorecardSummary,
  trendPoint,
} from './responseSchemas';
import {
  decisionBody,
  evaluateBody,
  exemptionBody,
  exemptionsQuery,
  factsBody,
  initiativeBody,
  initiativesOwnerQuery,
  notificationsQuery,
  ownedResultsQuery,
  resultsQuery,
  trendsQuery,
} from './schemas';
import { EntityReadAccess } from './service/EntityReadAccess';

export interface RouterOptions {
  service: ScorecardsService;
  httpAuth?: HttpAuthService;
  permissions?: PermissionsService;
  auditor?: AuditorService;
}

/** Who is calling: a user's ref and ownership, a service's subject. */
function caller(credentials: Credentials): { ref: string; ownership: string[]; service: boolean } {
  const p = credentials.principal;
  if (p.type === 'user') return { ref: p.userEntityRef, ownership: [...new Set([p.userEntityRef, ...p.ownershipEntityRefs])], service: false };
  if (p.type === 'service') return { ref: p.subject, ownership: [], service: true };
  return { ref: 'anonymous', ownership: [], service: false };
}

function ref(field: string, value: string, defaultKind?: string): string {
  try {
    return stringifyEntityRef(parseEntityRef(value, { defaultKind }));
  } catch (error) {
    throw new InputError(`${field}: ${(error as Error).message}`);
  }
}

function pathRef(kind: string, namespace: string, name: string): string {
  return stringifyEntityRef({ kind, namespace, name });
}

function scorecardRef(params: { namespace: string; name: string }): string {
  return pathRef('scorecard', params.namespace, params.name);
}

const scorecardParams = z.object({ namespace: z.string(), name: z.string() });
const entityParams = z.object({ kind: z.string(), namespace: z.string(), name: z.string() });
const idParams = z.object({ id: z.string() });
/** A query value given once; a repeated key is ignored, as before typed routes. */
const onceString = z
  .unknown()
  .optional()
  .transform(v => (typeof v === 'string' ? v : undefined));

/** The scorecards HTTP API, served at /api/scorecards. */
export function createRouter({ service, httpAuth, permissions, auditor }: RouterOptions): Router {
  const routes = createRouteRegistry({
    pluginId: 'scorecards',
    title: 'Portico scorecards',
    description: 'Scorecards, their stored results and trends, facts, exemptions, initiatives and notifications.',
    httpAuth,
    permissions,
    auditor,
  });
  // Scores, facts and rule history are about catalog entities: a caller sees them only for entities the catalog lets
  // them read (an owner-only role sees its own entities' scores). Level counts and trends stay aggregate.
  const readAccess = new EntityReadAccess(permissions);
  const notFound = (entityRef: string) => new NotFoundError(`No entity '${entityRef}' that you may read`);

  routes.route(
    {
      method: 'get',
      path: '/scorecards',
      summary: 'List scorecards',
      description: 'Every scorecard with its level distribution and the errors that stop it from evaluating.',
      response: { description: 'Scorecards', schema: itemsOf(scorecardSummary) },
    },
    async () => ({ items: await service.listScorecards() }),
  );

  routes.route(
    {
      method: 'get',
      path: '/scorecards/:namespace/:name',
      summary: 'One scorecard',
      description: 'A scorecard with its level distribution and errors.',
      params: scorecardParams,
      response: { description: 'The scorecard', schema: scorecardSummary },
      errors: { 404: 'No such scorecard' },
    },
    ({ params }) => service.getScorecard(scorecardRef(params)),
  );

  routes.route(
    {
      method: 'get',
      path: '/scorecards/:namespace/:name/results',
      summary: 'Entities of a scorecard with level, score and failing rules',
      description:
        'A page of entity scores (cursor pagination), optionally only at one level (`none` for below every level), ' +
        'of one owner (`group:default/team-a` or `team-a`) or failing one rule. Only entities the caller may read in the ' +
        'catalog are listed (a conditional read shortens the page; the cursor still leads on).',
      params: scorecardParams,
      query: resultsQuery,
      response: { description: 'A page of entity scores', schema: resultsPage },
      errors: { 404: 'No such scorecard', 409: 'The scorecard is invalid' },
    },
    async ({ params, query, credentials }) => {
      const owner = query.owner ? ref('query.owner', query.owner, 'group') : undefined;
      const page = await service.listResults(scorecardRef(params), { ...query, owner });
      const readable = await readAccess.readable(credentials, page.items.map(i => i.entityRef));
      if (readable.size === page.items.length) return page;
      // a page of what the caller may read: shorter, the cursor unchanged; the total counts only this page's hidden ones out
      const items = page.items.filter(i => readable.has(i.entityRef));
      return { ...page, items, totalItems: Math.max(items.length, page.totalItems - (page.items.length - items.length)) };
    },
  );

  routes.route(
    {
      method: 'get',
      path: '/results',
      summary: 'Entity scores of some owners across scorecards',
      description:
        'The level, score and failing rules of every entity owned by one of `owner` (repeat it: a user and their groups), ' +
        'on every valid scorecard, ordered by scorecard then entity; the first `limit` and the total.',
      query: ownedResultsQuery,
      response: { description: 'Entity scores of the owners', schema: ownedResults },
    },
    async ({ query, credentials }) => {
      const owners = (Array.isArray(query.owner) ? query.owner : [query.owner]).map(o => ref('query.owner', o, 'group'));
      const results = await service.listResultsOfOwners([...new Set(owners)], { limit: query.limit });
      const readable = await readAccess.readable(credentials, results.items.map(i => i.entityRef));
      if (readable.size >= new Set(results.items.map(i => i.entityRef)).size) return results;
      const items = results.items.filter(i => readable.has(i.entityRef));
      return { items, totalItems: Math.max(items.length, results.totalItems - (results.items.length - items.length)) };
    },
  );

  routes.route(
    {
      method: 'get',
      path: '/scorecards/:namespace/:name/trends',
      summary: 'Level distribution over time',
      description: 'Level distribution and average score after each full evaluation, optionally between two ISO date-times.',
      params: scorecardParams,
      query: trendsQuery,
      response: { description: 'Trend points', schema: itemsOf(trendPoint) },
      errors: { 404: 'No such scorecard' },
    },
    async ({ params, query }) => ({
      items: await service.trends(scorecardRef(params), {
        since: query.since ? Date.parse(query.since) : undefined,
        until: query.until ? Date.parse(query.until) : undefined,
      }),
    }),
  );

  routes.route(
    {
      method: 'get',
      path: '/scorecards/:namespace/:name/entities/:kind/:entityNamespace/:entityName/history',
      summary: "Changes of an entity's rule results",
      description: "Changes of an entity's rule results on a scorecard, newest first.",
      params: z.object({ namespace: z.string(), name: z.string(), kind: z.string(), entityNamespace: z.string(), entityName: z.string() }),
      response: { description: 'Rule result changes', schema: itemsOf(ruleResult) },
      errors: { 404: 'The caller may not read the entity in the catalog (or it does not exist)' },
    },
    async ({ params, credentials }) => {
      const entityRef = pathRef(params.kind, params.entityNamespace, params.entityName);
      if (!(await readAccess.canRead(credentials, entityRef))) throw notFound(entityRef);
      return { items: await service.ruleHistory(scorecardRef(params), entityRef) };
    },
  );

  routes.route(
    {
      method: 'get',
      path: '/entities/:kind/:namespace/:name',
      summary: 'An entity on every scorecard',
      description: "An entity's level, score and rule results on every scorecard that measures it.",
      params: entityParams,
      response: { description: 'The entity on its scorecards', schema: entityScorecards },
      errors: { 404: 'The caller may not read the entity in the catalog (or it does not exist)' },
    },
    async ({ params, credentials }) => {
      const entityRef = pathRef(params.kind, params.namespace, params.name);
      if (!(await readAccess.canRead(credentials, entityRef))) throw notFound(entityRef);
      return service.entityScorecards(entityRef);
    },
  );

  routes.route(
    {
      method: 'get',
      path: '/entities/:kind/:namespace/:name/facts',
      summary: "An entity's facts",
      description: "An entity's latest facts, or one fact's history with `?name=`.",
      params: entityParams,
      query: z.object({ name: onceString.meta({ type: 'string', description: 'A fact name for its history' }) }),
      response: { description: 'Facts', schema: itemsOf(fact) },
      errors: { 404: 'The caller may not read the entity in the catalog (or it does not exist)' },
    },
    async ({ params, query: { name }, credentials }) => {
      const entityRef = pathRef(params.kind, params.namespace, params.name);
      if (!(await readAccess.canRead(credentials, entityRef))) throw notFound(entityRef);
      return { items: name ? await service.factHistory(entityRef, name) : await service.entityFacts(entityRef) };
    },
  );

  routes.route(
    {
      method: 'post',
      path: '/collect',
      summary: 'Collect facts now',
      description:
        "Runs the fact collectors that apply to an entity now (or the one named), stores what they return and re-evaluates the entity when a fact changed; what `collectNow` does for a plugin.",
      body: z.object({
        entityRef: z.string().min(1).max(1024).meta({ description: 'The entity, e.g. `component:default/payments`' }),
        collector: z.string().min(1).max(200).optional().meta({ description: 'Only this collector (its id, e.g. `github`)' }),
      }),
      response: {
        description: 'What ran',
        schema: z.object({
          entityRef: z.string(),
          collectors: z.array(z.string()).meta({ description: 'The collectors that ran, by id' }),
          changed: z.boolean().meta({ description: 'Whether any fact changed (the entity is then re-evaluated within seconds)' }),
        }),
      },
      errors: { 404: 'No such entity' },
      permission: scorecardsFactsCollectPermission,
    },
    async ({ body, req }) => {
      const entityRef = ref('body.entityRef', body.entityRef);
      const result = await audited(
        auditor,
        { action: scorecardsFactsCollectPermission.name, resourceRef: entityRef, request: req, meta: body.collector ? { collector: body.collector } : undefined },
        () => service.evaluation.collectNow(entityRef, body.collector),
      );
      if (result.changed) await service.queue.add([result.entityRef], { recorded: service.evaluation.recordsChanged });
      return result;
    },
  );

  routes.route(
    {
      method: 'post',
      path: '/facts',
      summary: 'Push facts about an entity',
      description: 'Stores facts from an external system; the entity is re-evaluated within seconds.',
      body: factsBody,
      response: { status: 202, description: 'Accepted', schema: factsAccepted },
      permission: scorecardsFactsPushPermission,
    },
    async ({ body, req }) => {
      const accepted = await audited(auditor, { action: scorecardsFactsPushPermission.name, resourceRef: body.entityRef, request: req }, () =>
        service.evaluation.pushFacts(body),
      );
      // recorded with the facts (EvaluationServiceOptions.recordChanged): now evaluated on this instance
      await service.queue.add([accepted.entityRef], { recorded: service.evaluation.recordsChanged });
      return accepted;
    },
  );

  routes.route(
    {
      method: 'post',
      path: '/evaluate',
      summary: 'Evaluate now',
      description: 'Evaluates a scorecard and/or an entity now and returns the results.',
      body: evaluateBody,
      response: { description: 'Results', schema: evaluateResponse },
      errors: { 404: 'No such scorecard or entity' },
    },
    ({ body, req }) => {
      const scorecardRef = body.scorecardRef ? ref('body.scorecardRef', body.scorecardRef, 'scorecard') : undefined;
      const entityRef = body.entityRef ? ref('body.entityRef', body.entityRef) : undefined;
      // An evaluation stores results and may notify owners: recorded like any other change.
      return audited(
        auditor,
        { action: 'scorecards.evaluate', resourceRef: entityRef ?? scorecardRef, request: req, meta: { ...(scorecardRef ? { scorecardRef } : {}), ...(entityRef ? { entityRef } : {}) } },
        () => service.evaluateNow({ scorecardRef, entityRef }),
      );
    },
  );

  routes.route(
    {
      method: 'get',
      path: '/exemptions',
      summary: 'List exemptions',
      description: 'Exemptions, optionally of one scorecard, one entity or one status.',
      query: exemptionsQuery,
      response: { description: 'Exemptions', schema: itemsOf(exemption) },
    },
    async ({ query }) => ({
      items: await service.exemptions.list({
        scorecardRef: query.scorecardRef ? ref('query.scorecardRef', query.scorecardRef, 'scorecard') : undefined,
        entityRef: query.entityRef ? ref('query.entityRef', query.entityRef) : undefined,
        status: query.status,
      }),
    }),
  );

  routes.route(
    {
      method: 'post',
      path: '/exemptions',
      summary: 'Request an exemption',
      description: 'Requests an exemption from a rule for an entity until a time; the scorecard owner is notified.',
      body: exemptionBody,
      response: { status: 201, description: 'The pending exemption', schema: exemption },
      errors: { 404: 'No such scorecard or rule' },
      permission: scorecardsExemptionRequestPermission,
    },
    async ({ body, req, credentials }) => {
      const scorecardRef = ref('body.scorecardRef', body.scorecardRef, 'scorecard');
      return audited(auditor, { action: scorecardsExemptionRequestPermission.name, resourceRef: body.entityRef, request: req }, () =>
        service.exemptions.request({ ...body, scorecardRef }, caller(credentials).ref),
      );
    },
  );

  routes.route(
    {
      method: 'get',
      path: '/exemptions/:id',
      summary: 'One exemption',
      description: 'An exemption with its status and decision.',
      params: idParams,
      response: { description: 'The exemption', schema: exemption },
      errors: { 404: 'No such exemption' },
    },
    ({ params }) => service.exemptions.get(params.id),
  );

  routes.route(
    {
      method: 'post',
      path: '/exemptions/:id/decision',
      summary: 'Approve or reject a pending exemption',
      description:
        "Decides a pending exemption: the scorecard's owners may, anyone else needs `scorecards.exemption.decide` on the Scorecard; " +
        'nobody decides an exemption they requested. The decider is recorded.',
      params: idParams,
      body: decisionBody,
      permission: scorecardsExemptionDecidePermission,
      response: { description: 'The decided exemption', schema: exemption },
      errors: { 403: 'Not allowed, or the caller requested it', 404: 'No such exemption' },
    },
    async ({ params, body, req, credentials }) => {
      const who = caller(credentials);
      const { scorecardRef } = await service.exemptions.get(params.id);
      return audited(auditor, { action: scorecardsExemptionDecidePermission.name, resourceRef: scorecardRef, request: req }, () =>
        service.exemptions.decide(params.id, body, {
          ref: who.ref,
          // The owners decide; anyone else needs the permission on the scorecard.
          authorize: async ({ scorecardRef: resourceRef, owner }) => {
            if (who.ownership.includes(owner)) return true;
            if (!permissions) return false;
            const [decision] = await permissions.authorize([{ permission: scorecardsExemptionDecidePermission, resourceRef }], { credentials });
            return decision?.result === 'ALLOW';
          },
        }),
      );
    },
  );

  routes.route(
    {
      method: 'get',
      path: '/initiatives',
      summary: 'List initiatives',
      description:
        'Initiatives, optionally of one scorecard; with `owner` (repeatable: a user and their groups), only those that concern ' +
        'the owners: an entity they own is measured by the initiative\'s scorecard and in its scope.',
      query: z.object({
        scorecardRef: onceString.meta({ type: 'string', description: 'Scorecard ref' }),
        owner: initiativesOwnerQuery,
      }),
      response: { description: 'Initiatives', schema: itemsOf(initiative) },
    },
    async ({ query }) => {
      const sc = query.scorecardRef !== undefined ? ref('query.scorecardRef', query.scorecardRef, 'scorecard') : undefined;
      const owners =
        query.owner === undefined ? undefined : [...new Set((Array.isArray(query.owner) ? query.owner : [query.owner]).map(o => ref('query.owner', o, 'group')))];
      return { items: await service.initiatives.list({ scorecardRef: sc, owners }) };
    },
  );

  routes.route(
    {
      method: 'post',
      path: '/initiatives',
      summary: 'Create an initiative',
      description: 'A target level for the entities of a scorecard (or a scope of them) by a deadline.',
      body: initiativeBody,
      response: { status: 201, description: 'The initiative', schema: initiative },
      errors: { 404: 'No such scorecard' },
      permission: scorecardsInitiativeManagePermission,
    },
    ({ body, req, credentials }) =>
      audited(auditor, { action: scorecardsInitiativeManagePermission.name, resourceRef: body.scorecardRef, request: req }, () =>
        service.initiatives.create(body, caller(credentials).ref),
      ),
  );

  routes.route(
    {
      method: 'get',
      path: '/initiatives/:id',
      summary: 'An initiative with its progress',
      description: 'An initiative with its progress over time and the entities still below the target.',
      params: idParams,
      response: { description: 'Progress', schema: initiativeProgress },
      errors: { 404: 'No such initiative' },
    },
    ({ params }) => service.initiatives.progress(params.id),
  );

  routes.route(
    {
      method: 'delete',
      path: '/initiatives/:id',
      summary: 'Delete an initiative',
      description: 'Deletes an initiative and its progress history.',
      params: idParams,
      response: { status: 204, description: 'Deleted' },
      errors: { 404: 'No such initiative' },
      permission: scorecardsInitiativeManagePermission,
    },
    async ({ params, req }) => {
      await audited(auditor, { action: scorecardsInitiativeManagePermission.name, resourceRef: `initiative:${params.id}`, request: req }, () =>
        service.initiatives.delete(params.id),
      );
    },
  );

  routes.route(
    {
      method: 'get',
      path: '/notifications',
      summary: "The caller's notifications",
      description:
        'The notifications of the caller (their user and groups), or of one of them with `?recipient=`; ' +
        'a user may not read the notifications of a user or group they are not (services may).',
      query: notificationsQuery,
      response: { description: 'Notifications', schema: itemsOf(notification) },
      errors: { 403: 'The recipient is not the caller or one of their groups' },
    },
    async ({ query, credentials }) => {
      const who = caller(credentials);
      const recipient = query.recipient ? ref('query.recipient', query.recipient, 'group') : undefined;
      if (recipient && !who.service && !who.ownership.includes(recipient)) {
        throw new NotAllowedError(`The notifications of ${recipient} are not yours to read`);
      }
      const recipients = recipient ? [recipient] : who.ownership;
      return { items: await service.notificationsFor(recipients, { unreadOnly: query.unread === 'true', limit: query.limit }) };
    },
  );

  routes.route(
    {
      method: 'post',
      path: '/notifications/:id/read',
      summary: 'Mark a notification read',
      description: 'Marks a notification read; only its recipient may.',
      params: idParams,
      response: { status: 204, description: 'Marked' },
      errors: { 403: 'Not a recipient', 404: 'No such notification' },
    },
    async ({ params, credentials }) => {
      await service.markNotificationRead(params.id, caller(credentials).ownership);
    },
  );

  return routes.router;
}
