import fs from 'node:fs';
import path from 'node:path';
import express from 'express';
import request from 'supertest';
import { createRouter } from './router';
import type { CatalogService } from './service/CatalogService';

/** The calls @backstage/catalog-client makes: method, path and query keys, read from its generated client. */
function catalogClientCalls(): Array<{ method: string; path: string; query: string[] }> {
  const source = fs.readFileSync(path.join(path.dirname(require.resolve('@backstage/catalog-client')), 'schema/openapi/generated/apis/Api.client.cjs.js'), 'utf8');
  const calls = [...source.matchAll(/uriTemplate = `([^`]*)`[\s\S]*?method: "([A-Z]+)"/g)].map(([, template, method]) => {
    const [, route, query = ''] = /^([^{?]*(?:\{[a-z]+\}[^{?]*)*)(?:\{\?([^}]*)\})?$/i.exec(template) ?? [];
    return { method: method.toLowerCase(), path: route, query: query.split(',').filter(Boolean).map(q => q.replace(/\*$/, '')) };
  });
  expect(calls.length).toBeGreaterThan(10);
  return calls;
}

// Calls of newer Backstage releases this catalog does not serve (the client falls back or does not use them).
const NOT_SERVED = new Set(['post /entities/by-query', 'post /entity-facets', 'post /analyze-location', 'post /locations/by-query', 'put /locations/{id}']);
const NOT_SERVED_QUERY = new Set(['post /locations onConflict']);

describe('the catalog OpenAPI document', () => {
  async function document() {
    const app = express();
    app.use(createRouter({ catalog: {} as CatalogService }));
    return (await request(app).get('/openapi.json').expect(200)).body;
  }

  it('describes every call @backstage/catalog-client makes, with its query parameters', async () => {
    const doc = await document();
    for (const call of catalogClientCalls()) {
      const key = `${call.method} ${call.path}`;
      if (NOT_SERVED.has(key)) continue;
      const operation = doc.paths[call.path]?.[call.method];
      expect({ key, documented: Boolean(operation) }).toEqual({ key, documented: true });
      const names = (operation.parameters ?? []).filter((p: { in: string }) => p.in === 'query').map((p: { name: string }) => p.name);
      expect({ key, names: expect.arrayContaining(call.query.filter(q => !NOT_SERVED_QUERY.has(`${key} ${q}`))) }).toEqual({ key, names });
    }
  });

  it('takes repeated filter keys as an array, as Backstage sends them', async () => {
    const doc = await document();
    const filter = doc.paths['/entities'].get.parameters.find((p: { name: string }) => p.name === 'filter');
    expect(filter).toMatchObject({ in: 'query', style: 'form', explode: true, schema: { type: 'array', items: { type: 'string' } } });
  });

  it('gives every route a summary and a description', async () => {
    const doc = await document();
    const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods as Record<string, { summary?: string; description?: string }>).map(([method, op]) => ({ route: `${method} ${path}`, ...op })),
    );
    expect(operations.length).toBeGreaterThan(15);
    for (const op of operations) expect({ route: op.route, summary: Boolean(op.summary), description: Boolean(op.description) }).toEqual({ route: op.route, summary: true, description: true });
  });

  it('names the permission every route checks, except validating an entity, which reads and changes nothing', async () => {
    const doc = await document();
    const unguarded = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods as Record<string, { 'x-portico-permission'?: { name: string } }>)
        .filter(([, op]) => !op['x-portico-permission'])
        .map(([method]) => `${method} ${path}`),
    );
    expect(unguarded).toEqual(['post /validate-entity']);
    expect(doc.paths['/entities/by-query'].get['x-portico-permission']).toMatchObject({ name: 'catalog.entity.read', resourceType: 'catalog-entity' });
    expect(doc.paths['/locations'].post['x-portico-permission']).toMatchObject({ name: 'catalog.location.create', type: 'basic' });
  });
});
