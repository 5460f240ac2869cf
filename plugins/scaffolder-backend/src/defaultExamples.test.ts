import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { parse, parseAllDocuments } from 'yaml';
import type { BackendFeature } from '@portico/backend-plugin-api';
import type { TemplateParameterSchema } from '@portico/plugin-scaffolder-common';
import { eventually, startTestBackend, type TestBackend } from '@portico/test-utils';

// Issue 19: the examples a fresh portal loads must run on it. This test reads the default app-config.yaml, finds
// every Template its catalog locations load (following Location entities), starts the backend plugins that config
// lists with its catalog and scaffolder sections, and asks the scaffolder about each template.
const root = path.resolve(__dirname, '..', '..', '..');
const appConfig = parse(fs.readFileSync(path.join(root, 'app-config.yaml'), 'utf8')) as {
  backend: { plugins: string[] };
  catalog: { locations: Array<{ type: string; target: string }> };
  integrations: { file: { roots: string[] } };
  scaffolder: Record<string, unknown>;
};

/** Templates in the files the default locations load, following Location entities as the catalog does. */
function defaultTemplates(): Array<{ name: string; file: string; steps: Array<{ id: string; action: string; input?: Record<string, unknown> }> }> {
  const templates: Array<{ name: string; file: string; steps: Array<{ id: string; action: string; input?: Record<string, unknown> }> }> = [];
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const doc of parseAllDocuments(fs.readFileSync(file, 'utf8'))) {
      const entity = doc.toJS() as { kind?: string; metadata?: { name: string }; spec?: { target?: string; targets?: string[]; steps?: [] } } | null;
      if (entity?.kind === 'Location') for (const target of [entity.spec?.target, ...(entity.spec?.targets ?? [])].filter((t): t is string => !!t)) visit(path.resolve(path.dirname(file), target));
      if (entity?.kind === 'Template') templates.push({ name: entity.metadata!.name, file, steps: entity.spec?.steps ?? [] });
    }
  };
  for (const location of appConfig.catalog.locations.filter(l => l.type === 'file')) visit(path.resolve(root, location.target));
  return templates;
}

describe('the example templates the default app-config loads', () => {
  const templates = defaultTemplates();
  let backend: TestBackend;

  beforeAll(async () => {
    const features: BackendFeature[] = [];
    for (const name of appConfig.backend.plugins) features.push(...[((await import(name)) as { default: BackendFeature | BackendFeature[] }).default].flat());
    backend = await startTestBackend({
      features,
      config: {
        catalog: { locations: appConfig.catalog.locations.map(l => ({ ...l, target: path.resolve(root, l.target) })), processingInterval: 'PT1H' },
        integrations: { file: { roots: appConfig.integrations.file.roots.map(r => path.resolve(root, r)) } },
        scaffolder: appConfig.scaffolder,
      },
    });
  });
  afterAll(() => backend?.stop());

  it('are found: one "Node.js service", the documentation site and the database access request', () => {
    expect(templates.map(t => t.name).sort()).toEqual(['docs-site', 'new-node-service', 'request-database-access']);
  });

  it('can each run on the default portal: every action of a step that always runs is registered', async () => {
    await eventually(async () => {
      const res = await request(backend.server).get('/api/catalog/entities?filter=kind=template').expect(200);
      expect(res.body.map((e: { metadata: { name: string } }) => e.metadata.name).sort()).toEqual(templates.map(t => t.name).sort());
    });
    const registered = new Set(((await request(backend.server).get('/api/scaffolder/v2/actions').expect(200)).body as Array<{ id: string }>).map(a => a.id));
    for (const template of templates) {
      const res = await request(backend.server).get(`/api/scaffolder/v2/templates/default/template/${template.name}/parameter-schema`);
      expect({ template: template.name, status: res.status }).toEqual({ template: template.name, status: 200 });
      const schema = res.body as TemplateParameterSchema;
      expect({ template: template.name, missing: (schema.missingActions ?? []).filter(m => !m.optional) }).toEqual({ template: template.name, missing: [] });
      // The same, read from the file: a step without `if` names a registered action.
      const required = template.steps.filter(s => !('if' in s)).map(s => s.action);
      expect({ template: template.name, unregistered: required.filter(a => !registered.has(a)) }).toEqual({ template: template.name, unregistered: [] });
    }
  });

  it('have their skeletons where fetch:template looks, under the file roots', () => {
    const roots = appConfig.integrations.file.roots.map(r => path.resolve(root, r));
    for (const template of templates) {
      for (const step of template.steps.filter(s => s.action === 'fetch:template')) {
        const dir = path.resolve(path.dirname(template.file), String(step.input?.url));
        expect({ template: template.name, skeleton: fs.existsSync(dir) }).toEqual({ template: template.name, skeleton: true });
        expect(roots.some(r => dir.startsWith(r + path.sep))).toBe(true);
      }
    }
  });
});
