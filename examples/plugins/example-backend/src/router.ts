import type { Router } from 'express';
import { createRouteRegistry, type AuditorService, type HttpAuthService, type PermissionsService } from '@portico/backend-plugin-api';
import { z } from 'zod';
import { exampleThingCreatePermission } from './permissions';
import type { ExampleService } from './service/ExampleService';

/** `kind:namespace/name`, as the catalog writes entity refs. */
const entityRef = z.string().regex(/^[a-z0-9-]+:[a-z0-9-]+\/[a-z0-9._-]+$/i, 'expected an entity ref like component:default/my-service');
const thing = z
  .object({ id: z.string(), name: z.string(), entityRef: z.string().nullable(), createdAt: z.string() })
  .meta({ id: 'Thing' });

export interface RouterOptions {
  service: ExampleService;
  /** The host's services that check each route's `auth` and `permission` and record what changed. */
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
}

/**
 * HTTP routes: declared with zod schemas, call the service, return the answer. Served under /api/example.
 * Every route needs a signed-in user or a service (the default `auth`); a route that changes something
 * names its permission and records an audit event.
 */
export function createRouter({ service, httpAuth, permissions, auditor }: RouterOptions): Router {
  const routes = createRouteRegistry({
    pluginId: 'example',
    title: 'Portico example',
    description: 'A greeting from config and a table of things.',
    httpAuth,
    permissions,
    auditor,
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
      permission: exampleThingCreatePermission,
    },
    async ({ body, req }) => {
      const event = await auditor.createEvent({ action: exampleThingCreatePermission.name, resourceRef: body.entityRef, request: req });
      try {
        const added = await service.addThing(body);
        await event.success({ meta: { thingId: added.id } });
        return added;
      } catch (error) {
        await event.fail({ error });
        throw error;
      }
    },
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
