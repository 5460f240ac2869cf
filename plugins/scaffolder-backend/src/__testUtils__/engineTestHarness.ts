// Shared by the engine tests: a wired engine over a test database with fake catalog and templates.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Knex } from 'knex';
import { parseAllDocuments } from 'yaml';
import { stringifyEntityRef } from '@portico/catalog-model';
import type { LoggerService } from '@portico/backend-plugin-api';
import type { TemplateEntityV1beta3 } from '@portico/plugin-scaffolder-common';
import type { TemplateAction } from '../extensions';
import { createScaffolderEngine, type ScaffolderEngineOptions } from '../service/ScaffolderEngine';
import { DefaultSkeletonReader } from '../service/SkeletonReader';

export const silentLogger: LoggerService = {
  error() {},
  warn() {},
  info() {},
  debug() {},
  child() {
    return silentLogger;
  },
};

export function template(name: string, steps: TemplateEntityV1beta3['spec']['steps'], extra: Partial<TemplateEntityV1beta3['spec']> = {}): TemplateEntityV1beta3 {
  return { apiVersion: 'scaffolder.backstage.io/v1beta3', kind: 'Template', metadata: { name }, spec: { steps, ...extra } };
}

export async function createTestEngine(
  db: { knex: Knex; engine: 'sqlite' | 'pg' },
  options: { templates?: TemplateEntityV1beta3[]; actions?: TemplateAction[]; baseUrl?: string; migrate?: boolean } & Partial<Omit<ScaffolderEngineOptions, 'templates'>> = {},
) {
  const { templates: templateList, baseUrl, migrate, ...rest } = options;
  const registered: string[] = [];
  const templates = new Map((templateList ?? []).map(t => [t.metadata.name, t]));
  const workingDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'scaffolder-test-'));
  const engine = createScaffolderEngine({
    knex: db.knex,
    engine: db.engine,
    logger: silentLogger,
    reader: new DefaultSkeletonReader({}),
    templates: {
      async getTemplate(ref) {
        const t = templates.get(ref.name);
        return t ? { template: t, baseUrl } : undefined;
      },
    },
    catalog: {
      async addLocation(location) {
        registered.push(location.target);
        return { entityRefs: ['component:default/new-service'] };
      },
      async getEntityByRef(ref: string) {
        return ref === 'resource:default/orders-db'
          ? { apiVersion: 'backstage.io/v1alpha1', kind: 'Resource', metadata: { name: 'orders-db', namespace: 'default' }, spec: { type: 'database', owner: 'dbas' } }
          : undefined;
      },
    },
    workingDirectory,
    worker: { pollIntervalMs: 50, heartbeatIntervalMs: 50, staleAfterMs: 1000 },
    ...rest,
  });
  if (migrate !== false) await engine.migrate();
  return { ...engine, templates, registered, workingDirectory };
}

/** Waits until the task reaches one of the states. */
export async function waitForStatus(engine: { store: { getTask(id: string): Promise<{ status: string } | undefined> } }, id: string, statuses: string[], timeoutMs = 10000) {
  const start = Date.now();
  for (;;) {
    const task = await engine.store.getTask(id);
    if (task && statuses.includes(task.status)) return task;
    if (Date.now() - start > timeoutMs) throw new Error(`Task ${id} is ${task?.status}, not ${statuses.join('/')} after ${timeoutMs} ms`);
    await new Promise(r => setTimeout(r, 20));
  }
}

/** A catalog that reads `file:` locations and reports the entities the YAML really holds; records what it registered. */
export function fileReadingCatalog() {
  const registered: string[] = [];
  const previewed: string[] = [];
  return {
    registered,
    previewed,
    async addLocation(location: { type: string; target: string; dryRun?: boolean }) {
      const text = fs.readFileSync(fileURLToPath(location.target), 'utf8');
      const entities = parseAllDocuments(text)
        .map(d => d.toJS() as { kind: string; metadata: { name: string; namespace?: string } } | null)
        .filter(e => e !== null);
      (location.dryRun ? previewed : registered).push(location.target);
      return { entityRefs: entities.map(e => stringifyEntityRef({ kind: e.kind, namespace: e.metadata.namespace, name: e.metadata.name })) };
    },
  };
}

export const guest = { userEntityRef: 'user:default/guest', ownershipEntityRefs: ['user:default/guest'] };
