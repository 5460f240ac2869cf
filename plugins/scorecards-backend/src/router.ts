import express, { type Request } from 'express';
import {
  InputError,
  parseInput,
  type HttpAuthService,
  type PermissionsService,
} from '@portico/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@portico/catalog-model';
import type { ScorecardsService } from './service/ScorecardsService';
import { scorecardsOpenApi } from './openapi';
import {
  decisionBody,
  evaluateBody,
  exemptionBody,
  exemptionsQuery,
  factsBody,
  initiativeBody,
  notificationsQuery,
  resultsQuery,
  trendsQuery,
} from './schemas';

export interface RouterOptions {
  service: ScorecardsService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
}

/** The permission checked when someone other than a scorecard's owner decides an exemption. */
export const exemptionDecidePermission = {
  name: 'scorecards.exemption.decide',
  action: 'update' as const,
  resourceType: 'scorecard',
};

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

function scorecardRef(req: Request): string {
  return pathRef('scorecard', String(req.params.namespace), String(req.params.name));
}

/** The scorecards HTTP API, served at /api/scorecards. */
export function createRouter({ service, httpAuth, permissions }: RouterOptions): express.Router {
  const router = express.Router();

  async function caller(req: Request): Promise<{ ref: string; ownership: string[] }> {
    const credentials = await httpAuth.credentials(req);
    const p = credentials.principal;
    if (p.type === 'user') return { ref: p.userEntityRef, ownership: [p.userEntityRef, ...p.ownershipEntityRefs] };
    if (p.type === 'service') return { ref: p.subject, ownership: [] };
    return { ref: 'anonymous', ownership: [] };
  }

  router.get('/openapi.json', (_req, res) => {
    res.json(scorecardsOpenApi);
  });

  router.get('/scorecards', async (_req, res) => {
    res.json({ items: await service.listScorecards() });
  });

  router.get('/scorecards/:namespace/:name', async (req, res) => {
    res.json(await service.getScorecard(scorecardRef(req)));
  });

  router.get('/scorecards/:namespace/:name/results', async (req, res) => {
    const query = parseInput('query', resultsQuery, req.query);
    const owner = query.owner ? ref('query.owner', query.owner, 'group') : undefined;
    res.json(await service.listResults(scorecardRef(req), { ...query, owner }));
  });

  router.get('/scorecards/:namespace/:name/trends', async (req, res) => {
    const query = parseInput('query', trendsQuery, req.query);
    const items = await service.trends(scorecardRef(req), {
      since: query.since ? Date.parse(query.since) : undefined,
      until: query.until ? Date.parse(query.until) : undefined,
    });
    res.json({ items });
  });

  router.get('/scorecards/:namespace/:name/entities/:kind/:entityNamespace/:entityName/history', async (req, res) => {
    const entityRef = pathRef(String(req.params.kind), String(req.params.entityNamespace), String(req.params.entityName));
    res.json({ items: await service.ruleHistory(scorecardRef(req), entityRef) });
  });

  router.get('/entities/:kind/:namespace/:name', async (req, res) => {
    res.json(await service.entityScorecards(pathRef(String(req.params.kind), String(req.params.namespace), String(req.params.name))));
  });

  router.get('/entities/:kind/:namespace/:name/facts', async (req, res) => {
    const entityRef = pathRef(String(req.params.kind), String(req.params.namespace), String(req.params.name));
    const name = typeof req.query.name === 'string' ? req.query.name : undefined;
    res.json({ items: name ? await service.factHistory(entityRef, name) : await service.entityFacts(entityRef) });
  });

  router.post('/facts', async (req, res) => {
    const body = parseInput('body', factsBody, req.body);
    const accepted = await service.evaluation.pushFacts(body);
    service.queue.enqueue([accepted.entityRef]);
    res.status(202).json(accepted);
  });

  router.post('/evaluate', async (req, res) => {
    const body = parseInput('body', evaluateBody, req.body);
    res.json(
      await service.evaluateNow({
        scorecardRef: body.scorecardRef ? ref('body.scorecardRef', body.scorecardRef, 'scorecard') : undefined,
        entityRef: body.entityRef ? ref('body.entityRef', body.entityRef) : undefined,
      }),
    );
  });

  router.get('/exemptions', async (req, res) => {
    const query = parseInput('query', exemptionsQuery, req.query);
    res.json({
      items: await service.exemptions.list({
        scorecardRef: query.scorecardRef ? ref('query.scorecardRef', query.scorecardRef, 'scorecard') : undefined,
        entityRef: query.entityRef ? ref('query.entityRef', query.entityRef) : undefined,
        status: query.status,
      }),
    });
  });

  router.post('/exemptions', async (req, res) => {
    const body = parseInput('body', exemptionBody, req.body);
    const who = await caller(req);
    const exemption = await service.exemptions.request(
      { ...body, scorecardRef: ref('body.scorecardRef', body.scorecardRef, 'scorecard') },
      who.ref,
    );
    res.status(201).json(exemption);
  });

  router.get('/exemptions/:id', async (req, res) => {
    res.json(await service.exemptions.get(String(req.params.id)));
  });

  router.post('/exemptions/:id/decision', async (req, res) => {
    const body = parseInput('body', decisionBody, req.body);
    const credentials = await httpAuth.credentials(req);
    const who = await caller(req);
    const decided = await service.exemptions.decide(String(req.params.id), body, {
      ref: who.ref,
      // The owner decides; anyone else needs the permission (the development policy allows all).
      authorize: async ({ scorecardRef: resourceRef, owner }) => {
        if (who.ownership.includes(owner)) return true;
        const [decision] = await permissions.authorize([{ permission: exemptionDecidePermission, resourceRef }], { credentials });
        return decision?.result === 'ALLOW';
      },
    });
    res.json(decided);
  });

  router.get('/initiatives', async (req, res) => {
    const sc = typeof req.query.scorecardRef === 'string' ? ref('query.scorecardRef', req.query.scorecardRef, 'scorecard') : undefined;
    res.json({ items: await service.initiatives.list({ scorecardRef: sc }) });
  });

  router.post('/initiatives', async (req, res) => {
    const body = parseInput('body', initiativeBody, req.body);
    const who = await caller(req);
    res.status(201).json(await service.initiatives.create(body, who.ref));
  });

  router.get('/initiatives/:id', async (req, res) => {
    res.json(await service.initiatives.progress(String(req.params.id)));
  });

  router.delete('/initiatives/:id', async (req, res) => {
    await service.initiatives.delete(String(req.params.id));
    res.status(204).end();
  });

  router.get('/notifications', async (req, res) => {
    const query = parseInput('query', notificationsQuery, req.query);
    const who = await caller(req);
    const recipients = query.recipient ? [ref('query.recipient', query.recipient, 'group')] : who.ownership;
    res.json({ items: await service.notificationsFor(recipients, { unreadOnly: query.unread === 'true', limit: query.limit }) });
  });

  router.post('/notifications/:id/read', async (req, res) => {
    const who = await caller(req);
    await service.markNotificationRead(String(req.params.id), who.ownership);
    res.status(204).end();
  });

  return router;
}
