import type { Router } from 'express';
import { createRouteRegistry } from '@portico/backend-plugin-api';
import { z } from 'zod';
import type { ExampleService } from './service/ExampleService';

/** `kind:namespace/name`, as the catalog writes entity refs. */
const entityRef = z.string().regex(/^[a-z0-9-]+:[a-z0-9-]+\/[a-z0-9._-]+$/i, 'expected an entity ref like component:default/my-service');
const thing = z
  .object({ id: z.string(), name: z.string(), entityRef: z.string().nullable(), createdAt: z.string() })
  .meta({ id: 'Thing' });

/** HTTP routes: declared with zod schemas, call the service, return the answer. Served under /api/example. */
export function createRouter(service: ExampleService): Router {
  const routes = createRouteRegistry({
    pluginId: 'example',
    title: 'Portico example',
    description: 'A greeting from config and a table of things.',
  });

  routes.route(
    {
      method: 'get',
      path: '/greeting',
      summary: 'The greeting',
      description: 'The configured greeting, passed through every registered decorator.',
      response: { description: 'The greeting', schema: z.object({ greeting: z.string() }) },
    },
    () => ({ greeting: service.getGreeting() }),
  );

  routes.route(
    {
      method: 'post',
      path: '/things',
      summary: 'Add a thing',
      description: 'Stores a thing, optionally about a catalog entity.',
      body: z.object({ name: z.string().trim().min(1).max(200), entityRef: entityRef.optional() }),
      response: { status: 201, description: 'The stored thing', schema: thing },
    },
    ({ body }) => service.addThing(body),
  );

  routes.route(
    {
      method: 'get',
      path: '/things',
      summary: 'List things',
      description: 'Things, newest first, optionally only those about one entity.',
      query: z.object({ entityRef: entityRef.optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }),
      response: { description: 'The things', schema: z.object({ items: z.array(thing) }) },
    },
    async ({ query }) => ({ items: await service.listThings(query) }),
  );

  routes.route(
    {
      method: 'get',
      path: '/things/:id',
      summary: 'One thing',
      description: 'The thing with this id.',
      params: z.object({ id: z.string().uuid() }),
      response: { description: 'The thing', schema: thing },
      errors: { 404: 'No thing with this id' },
    },
    ({ params }) => service.getThing(params.id),
  );

  return routes.router;
}
