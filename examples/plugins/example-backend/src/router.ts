import { Router } from 'express';
import { validateRequest } from '@portico/backend-plugin-api';
import { z } from 'zod';
import type { ExampleService } from './service/ExampleService';

/** `kind:namespace/name`, as the catalog writes entity refs. */
const entityRef = z.string().regex(/^[a-z0-9-]+:[a-z0-9-]+\/[a-z0-9._-]+$/i, 'expected an entity ref like component:default/my-service');
const createBody = z.object({ name: z.string().trim().min(1).max(200), entityRef: entityRef.optional() });
const listQuery = z.object({ entityRef: entityRef.optional(), limit: z.coerce.number().int().min(1).max(500).default(100) });
const idParams = z.object({ id: z.string().uuid() });

/** HTTP routes: parse with zod, call the service, respond. Served under /api/example. */
export function createRouter(service: ExampleService): Router {
  const router = Router();

  router.get('/greeting', (_req, res) => {
    res.json({ greeting: service.getGreeting() });
  });

  router.post('/things', validateRequest({ body: createBody }), async (_req, res) => {
    res.status(201).json(await service.addThing(res.locals.body as z.infer<typeof createBody>));
  });

  router.get('/things', validateRequest({ query: listQuery }), async (_req, res) => {
    res.json({ items: await service.listThings(res.locals.query as z.infer<typeof listQuery>) });
  });

  router.get('/things/:id', validateRequest({ params: idParams }), async (_req, res) => {
    res.json(await service.getThing((res.locals.params as z.infer<typeof idParams>).id));
  });

  return router;
}
