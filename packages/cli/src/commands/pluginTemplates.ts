import type { PluginNames } from './pluginNames';

/** The files of a new plugin pair, relative to the package folder: a starting point, not the rich example. */
export interface PluginPairFiles {
  backend: Record<string, string>;
  frontend: Record<string, string>;
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/**
 * A minimal plugin pair for `portico new plugin`: the backend has one table (its migration and store) and one
 * route reading it; the frontend one page listing the items and one entity card with the items about the
 * entity; each with its tests and a README of its own. examples/plugins keeps the rich example.
 */
export function pluginPairFiles(names: PluginNames, scope: string): PluginPairFiles {
  const { kebab, camel, pascal, title } = names;
  const backendPackage = `${scope}/plugin-${kebab}-backend`;
  const frontendPackage = `${scope}/plugin-${kebab}`;
  const backend: Record<string, string> = {
    'package.json': json({
      name: backendPackage,
      version: '0.1.0',
      description: `The ${title} plugin's backend: the items of /api/${kebab}.`,
      license: 'Apache-2.0',
      main: 'dist/index.js',
      types: 'dist/index.d.ts',
      files: ['dist'],
      scripts: {},
      dependencies: { '@portico/backend-plugin-api': '^0.1.0', express: '^5.1.0', zod: '^4.1.0' },
      devDependencies: { '@portico/test-utils': '^0.1.0' },
      exports: {
        '.': { source: './src/index.ts', types: './dist/index.d.ts', default: './dist/index.js' },
        './package.json': './package.json',
      },
    }),
    'README.md': `# ${backendPackage}

The backend of the ${title} plugin: a table of items in the plugin's own database, served at \`/api/${kebab}\`.

\`\`\`yaml
# app-config.yaml
backend:
  plugins:
    - '${backendPackage}'
\`\`\`

| route (under \`/api/${kebab}\`) | what |
|---|---|
| \`GET /items?entityRef=\` | \`{ items: [{ id, title, entityRef, createdAt }] }\`, newest first; only those about one entity with \`entityRef\` |

- \`src/plugin.ts\` wires the plugin: runs the migrations, mounts the router.
- \`src/router.ts\` declares the route with zod schemas (typed input, a 400 naming the field, the OpenAPI entry at
  \`/api/${kebab}/openapi.json\`). Every route needs a signed-in user or a service token.
- \`src/database/\` holds the migration of the \`items\` table and \`ItemStore\`, the only code with SQL.

Config keys: none yet. Declare them as the plugin's \`configSchema\` (docs/backend-plugins.md, docs/configuration.md).
Tests: \`npx jest plugins/${kebab}-backend\` (on SQLite, and on PostgreSQL at \`PORTICO_TEST_PG_URL\`).
For more (routes that change things with a permission and the audit log, config, extension points, modules), see
the example pair in examples/plugins and docs/backend-plugins.md.
`,
    'src/index.ts': `/** ${backendPackage}: the ${title} plugin's backend. */
import { ${camel}Plugin } from './plugin';

export { ${camel}Plugin } from './plugin';
export type { Item } from './database/ItemStore';

/** What \`backend.plugins: ['${backendPackage}']\` installs. */
export default ${camel}Plugin;
`,
    'src/plugin.ts': `import { coreServices, createBackendPlugin } from '@portico/backend-plugin-api';
import { ItemStore } from './database/ItemStore';
import { migrations } from './database/migrations';
import { createRouter } from './router';

/** The ${title} plugin: a table of items, served at /api/${kebab}. */
export const ${camel}Plugin = createBackendPlugin({
  pluginId: '${kebab}',
  register(env) {
    env.registerInit({
      deps: {
        database: coreServices.database,
        http: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        permissions: coreServices.permissions,
        auditor: coreServices.auditor,
      },
      async init({ database, http, httpAuth, permissions, auditor }) {
        await database.migrate(migrations);
        const store = new ItemStore(await database.getClient());
        http.use(createRouter({ store, httpAuth, permissions, auditor }));
      },
    });
  },
});
`,
    'src/router.ts': `import type { Router } from 'express';
import { createRouteRegistry, type AuditorService, type HttpAuthService, type PermissionsService } from '@portico/backend-plugin-api';
import { z } from 'zod';
import type { ItemStore } from './database/ItemStore';

/** \`kind:namespace/name\`, as the catalog writes entity refs. */
const entityRef = z.string().regex(/^[a-z0-9-]+:[a-z0-9-]+\\/[a-z0-9._-]+$/i, 'expected an entity ref like component:default/my-service');
const item = z.object({ id: z.string(), title: z.string(), entityRef: z.string().nullable(), createdAt: z.string() }).meta({ id: '${pascal}Item' });

export interface RouterOptions {
  store: ItemStore;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
}

/** The plugin's routes under /api/${kebab}: declared with zod schemas, answered from the store. */
export function createRouter({ store, httpAuth, permissions, auditor }: RouterOptions): Router {
  const routes = createRouteRegistry({ pluginId: '${kebab}', title: '${title}', description: 'The items of the ${title} plugin.', httpAuth, permissions, auditor });

  routes.route(
    {
      method: 'get',
      path: '/items',
      summary: 'List items',
      description: 'Items, newest first, optionally only those about one entity.',
      query: z.object({ entityRef: entityRef.optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }),
      response: { description: 'The items', schema: z.object({ items: z.array(item) }) },
    },
    async ({ query }) => ({ items: await store.list(query) }),
  );

  return routes.router;
}
`,
    'src/database/migrations.ts': `import type { DatabaseMigration } from '@portico/backend-plugin-api';

/** The plugin's tables, one migration per change; names sort in the order they run. */
export const migrations: DatabaseMigration[] = [
  {
    name: '001_items',
    async up(knex) {
      await knex.schema.createTable('items', table => {
        table.string('id', 36).primary();
        table.string('title', 200).notNullable();
        table.string('entity_ref', 300).nullable().index();
        table.string('created_at', 30).notNullable();
      });
    },
    async down(knex) {
      await knex.schema.dropTable('items');
    },
  },
];
`,
    'src/database/ItemStore.ts': `import { randomUUID } from 'node:crypto';
import type { DatabaseService } from '@portico/backend-plugin-api';

type Knex = Awaited<ReturnType<DatabaseService['getClient']>>;

/** One item of the ${title} plugin, optionally about a catalog entity. */
export interface Item {
  id: string;
  title: string;
  entityRef: string | null;
  createdAt: string;
}

interface ItemRow {
  id: string;
  title: string;
  entity_ref: string | null;
  created_at: string;
}

const toItem = (row: ItemRow): Item => ({ id: row.id, title: row.title, entityRef: row.entity_ref, createdAt: row.created_at });

/** The SQL of the plugin, and nothing else. */
export class ItemStore {
  constructor(private readonly knex: Knex) {}

  async insert(item: { title: string; entityRef?: string }): Promise<Item> {
    const row: ItemRow = { id: randomUUID(), title: item.title, entity_ref: item.entityRef ?? null, created_at: new Date().toISOString() };
    await this.knex<ItemRow>('items').insert(row);
    return toItem(row);
  }

  async list(filter: { entityRef?: string; limit: number }): Promise<Item[]> {
    const query = this.knex<ItemRow>('items').select('*').orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id' }]).limit(filter.limit);
    if (filter.entityRef) query.where({ entity_ref: filter.entityRef });
    return (await query).map(toItem);
  }
}
`,
    'src/database/ItemStore.test.ts': `import { describeEachDatabase } from '@portico/test-utils';
import { ItemStore } from './ItemStore';
import { migrations } from './migrations';

describeEachDatabase('the ${title} item store', db => {
  beforeAll(async () => {
    for (const migration of migrations) await migration.up(db.knex);
  });

  it('stores items and lists them newest first, or only those about one entity', async () => {
    const store = new ItemStore(db.knex);
    const first = await store.insert({ title: 'first', entityRef: 'component:default/api' });
    await new Promise(resolve => setTimeout(resolve, 5)); // a later created_at
    const second = await store.insert({ title: 'second' });
    expect(await store.list({ limit: 10 })).toEqual([second, first]);
    expect(await store.list({ entityRef: 'component:default/api', limit: 10 })).toEqual([first]);
  });
});
`,
    'src/plugin.test.ts': `import request from 'supertest';
import { startTestBackend, type TestBackend } from '@portico/test-utils';
import { ${camel}Plugin } from './plugin';

describe('the ${title} plugin', () => {
  let backend: TestBackend;
  beforeAll(async () => {
    backend = await startTestBackend({ features: [${camel}Plugin] });
  });
  afterAll(async () => {
    await backend?.stop();
  });

  it('serves its items at /api/${kebab}/items, none at first', async () => {
    const res = await request(backend.server).get('/api/${kebab}/items').expect(200);
    expect(res.body).toEqual({ items: [] });
  });

  it('answers 400 naming the field for an entityRef that is not a ref', async () => {
    const res = await request(backend.server).get('/api/${kebab}/items').query({ entityRef: 'not a ref' }).expect(400);
    expect(res.body.error.message).toContain('entityRef');
  });
});
`,
  };

  const frontend: Record<string, string> = {
    'package.json': json({
      name: frontendPackage,
      version: '0.1.0',
      description: `The ${title} plugin's frontend: a page and an entity card over /api/${kebab}.`,
      license: 'Apache-2.0',
      main: 'src/index.ts',
      types: 'dist/index.d.ts',
      scripts: {},
      dependencies: {
        '@mui/material': '^9.0.0',
        '@portico/catalog-model': '^0.1.0',
        '@portico/frontend-plugin-api': '^0.1.0',
        '@portico/plugin-catalog-react': '^0.1.0',
        react: '^19.2.0',
      },
      devDependencies: { '@portico/app': '^0.1.0' },
      portico: { kind: 'web' },
      // Vite bundles the source; `npm run build` emits the declarations that `types` names (scripts/lib/tsconfigs.js)
      exports: {
        '.': { source: './src/index.ts', types: './dist/index.d.ts', default: './src/index.ts' },
        './package.json': './package.json',
      },
    }),
    'README.md': `# ${frontendPackage}

The frontend of the ${title} plugin, over its backend \`${backendPackage}\`:

- \`src/api/${pascal}Api.ts\` — the API interface and its ref; \`src/api/${pascal}Client.ts\` implements it over HTTP;
- \`src/components/${pascal}Page.tsx\` — the page at \`/${kebab}\` (with a nav item): every item;
- \`src/components/${pascal}Card.tsx\` — a card on Component pages: the items about that entity;
- \`src/plugin.ts\` — \`createFrontendPlugin\` wiring them as extensions.

\`\`\`yaml
# app-config.yaml
app:
  plugins:
    - '${frontendPackage}'
\`\`\`

Extension ids: \`api:${kebab}/plugin.${kebab}.service\`, \`page:${kebab}/${kebab}\`, \`nav-item:${kebab}/${kebab}\`,
\`entity-card:${kebab}/items\`. Tests: \`npx jest plugins/${kebab}\`. More blueprints and patterns:
docs/frontend-plugins.md and the example pair in examples/plugins.
`,
    'src/index.ts': `/** ${frontendPackage}: the ${title} plugin's frontend. Pages and cards load lazily from plugin.ts. */
export { ${camel}Plugin, ${camel}Plugin as default } from './plugin';
export { ${camel}ApiRef, type ${pascal}Api, type ${pascal}Item } from './api/${pascal}Api';
`,
    'src/plugin.ts': `import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  NavItemBlueprint,
  PageBlueprint,
} from '@portico/frontend-plugin-api';
import { EntityCardBlueprint } from '@portico/plugin-catalog-react';
import { ${camel}ApiRef } from './api/${pascal}Api';
import { ${pascal}Client } from './api/${pascal}Client';

/** The ${title} plugin: its api, a page at /${kebab} with a nav item, and a card on Component pages. */
export const ${camel}Plugin = createFrontendPlugin({
  id: '${kebab}',
  extensions: [
    ApiBlueprint({
      api: ${camel}ApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) => new ${pascal}Client({ discoveryApi, fetchApi }),
    }),
    PageBlueprint({ path: '/${kebab}', title: '${title}', loader: () => import('./components/${pascal}Page') }),
    NavItemBlueprint({ title: '${title}', path: '/${kebab}' }),
    EntityCardBlueprint({
      name: 'items',
      title: '${title}',
      size: 'small',
      filter: { kind: 'Component' },
      loader: () => import('./components/${pascal}Card'),
    }),
  ],
});
`,
    [`src/api/${pascal}Api.ts`]: `import { createApiRef } from '@portico/frontend-plugin-api';

/** One item of the ${title} backend, optionally about a catalog entity. */
export interface ${pascal}Item {
  id: string;
  title: string;
  entityRef: string | null;
  createdAt: string;
}

/** What the ${title} backend offers the browser (routes under /api/${kebab}). */
export interface ${pascal}Api {
  listItems(options?: { entityRef?: string }): Promise<${pascal}Item[]>;
}

export const ${camel}ApiRef = createApiRef<${pascal}Api>({ id: 'plugin.${kebab}.service' });
`,
    [`src/api/${pascal}Client.ts`]: `import { createPluginHttpClient, type DiscoveryApi, type FetchApi, type PluginHttpClient } from '@portico/frontend-plugin-api';
import type { ${pascal}Api, ${pascal}Item } from './${pascal}Api';

/** ${pascal}Api over HTTP: discovery finds \`/api/${kebab}\`, fetchApi adds credentials. */
export class ${pascal}Client implements ${pascal}Api {
  private readonly http: PluginHttpClient;

  constructor(deps: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.http = createPluginHttpClient({ pluginId: '${kebab}', ...deps });
  }

  async listItems(options: { entityRef?: string } = {}): Promise<${pascal}Item[]> {
    const query = options.entityRef ? \`?\${new URLSearchParams({ entityRef: options.entityRef })}\` : '';
    return (await this.http.request<{ items: ${pascal}Item[] }>(\`/items\${query}\`)).items;
  }
}
`,
    [`src/components/${pascal}Page.tsx`]: `import { useEffect, useState } from 'react';
import { Alert, CircularProgress, List, ListItem, ListItemText, Paper, Typography } from '@mui/material';
import { useApi } from '@portico/frontend-plugin-api';
import { ${camel}ApiRef, type ${pascal}Item } from '../api/${pascal}Api';

/** The page at /${kebab}: every item. */
export function ${pascal}Page() {
  const api = useApi(${camel}ApiRef);
  const [state, setState] = useState<{ items?: ${pascal}Item[]; error?: Error }>({});

  useEffect(() => {
    let cancelled = false;
    api.listItems().then(
      items => !cancelled && setState({ items }),
      error => !cancelled && setState({ error }),
    );
    return () => {
      cancelled = true;
    };
  }, [api]);

  return (
    <Paper sx={{ p: 3 }}>
      <Typography variant="h4" component="h1" gutterBottom>
        ${title}
      </Typography>
      {state.error && <Alert severity="error">{state.error.message}</Alert>}
      {!state.error && !state.items && <CircularProgress aria-label="Loading items" />}
      {state.items?.length === 0 && <Typography color="text.secondary">No items yet.</Typography>}
      {state.items && state.items.length > 0 && (
        <List aria-label="Items">
          {state.items.map(item => (
            <ListItem key={item.id}>
              <ListItemText primary={item.title} secondary={item.entityRef ?? undefined} />
            </ListItem>
          ))}
        </List>
      )}
    </Paper>
  );
}

export default ${pascal}Page;
`,
    [`src/components/${pascal}Page.test.tsx`]: `import { screen } from '@testing-library/react';
import { renderInTestApp } from '@portico/app/testing';
import { ${camel}ApiRef, type ${pascal}Api } from '../api/${pascal}Api';
import { ${pascal}Page } from './${pascal}Page';

const item = { id: '1', title: 'first item', entityRef: null, createdAt: '2026-01-01T00:00:00.000Z' };

describe('${pascal}Page', () => {
  it('lists the items under its heading', async () => {
    const api: ${pascal}Api = { listItems: async () => [item] };
    renderInTestApp(<${pascal}Page />, { apis: [[${camel}ApiRef, api]] });
    expect(await screen.findByRole('list', { name: 'Items' })).toHaveTextContent('first item');
    expect(screen.getByRole('heading', { name: '${title}', level: 1 })).toBeInTheDocument();
  });

  it('shows the backend error', async () => {
    const api: ${pascal}Api = { listItems: async () => Promise.reject(new Error('${kebab} is down')) };
    renderInTestApp(<${pascal}Page />, { apis: [[${camel}ApiRef, api]] });
    expect(await screen.findByText('${kebab} is down')).toBeInTheDocument();
  });
});
`,
    [`src/components/${pascal}Card.tsx`]: `import { useEffect, useState } from 'react';
import { Alert, Card, CardContent, CardHeader, CircularProgress, List, ListItem, ListItemText, Typography } from '@mui/material';
import { stringifyEntityRef } from '@portico/catalog-model';
import { useApi } from '@portico/frontend-plugin-api';
import { useEntity } from '@portico/plugin-catalog-react';
import { ${camel}ApiRef, type ${pascal}Item } from '../api/${pascal}Api';

/** A card on the entity overview: the items about this entity. */
export function ${pascal}Card() {
  const { entity } = useEntity();
  const api = useApi(${camel}ApiRef);
  const entityRef = stringifyEntityRef(entity);
  const [state, setState] = useState<{ items?: ${pascal}Item[]; error?: Error }>({});

  useEffect(() => {
    let cancelled = false;
    setState({});
    api.listItems({ entityRef }).then(
      items => !cancelled && setState({ items }),
      error => !cancelled && setState({ error }),
    );
    return () => {
      cancelled = true;
    };
  }, [api, entityRef]);

  return (
    <Card variant="outlined" component="section" aria-labelledby="${kebab}-card-title">
      <CardHeader title="${title}" slotProps={{ title: { id: '${kebab}-card-title', component: 'h2', variant: 'h6' } }} />
      <CardContent>
        {state.error && <Alert severity="error">{state.error.message}</Alert>}
        {!state.error && !state.items && <CircularProgress size={24} aria-label="Loading items" />}
        {state.items?.length === 0 && <Typography color="text.secondary">No items for this entity.</Typography>}
        {state.items && state.items.length > 0 && (
          <List dense aria-label="Items">
            {state.items.map(item => (
              <ListItem key={item.id}>
                <ListItemText primary={item.title} />
              </ListItem>
            ))}
          </List>
        )}
      </CardContent>
    </Card>
  );
}

export default ${pascal}Card;
`,
    [`src/components/${pascal}Card.test.tsx`]: `import { screen } from '@testing-library/react';
import type { Entity } from '@portico/catalog-model';
import { EntityProvider } from '@portico/plugin-catalog-react';
import { renderInTestApp } from '@portico/app/testing';
import { ${camel}ApiRef, type ${pascal}Api } from '../api/${pascal}Api';
import { ${pascal}Card } from './${pascal}Card';

const entity: Entity = { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'checkout' }, spec: { type: 'service' } };

describe('${pascal}Card', () => {
  it("lists the entity's items, asking the backend with the entity ref", async () => {
    const listItems = jest.fn(async () => [{ id: '1', title: 'runbook', entityRef: 'component:default/checkout', createdAt: '2026-01-01T00:00:00.000Z' }]);
    const api: ${pascal}Api = { listItems };
    renderInTestApp(<EntityProvider entity={entity}><${pascal}Card /></EntityProvider>, { apis: [[${camel}ApiRef, api]] });
    expect(await screen.findByRole('list', { name: 'Items' })).toHaveTextContent('runbook');
    expect(screen.getByRole('region', { name: '${title}' })).toBeInTheDocument();
    expect(listItems).toHaveBeenCalledWith({ entityRef: 'component:default/checkout' });
  });

  it('says so when the entity has no items', async () => {
    const api: ${pascal}Api = { listItems: async () => [] };
    renderInTestApp(<EntityProvider entity={entity}><${pascal}Card /></EntityProvider>, { apis: [[${camel}ApiRef, api]] });
    expect(await screen.findByText('No items for this entity.')).toBeInTheDocument();
  });
});
`,
  };
  return { backend, frontend };
}
