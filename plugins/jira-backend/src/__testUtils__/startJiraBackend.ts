import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import catalogPlugin from '@portico/plugin-catalog-backend';
import type { BackendFeature } from '@portico/backend-plugin-api';
import { startTestBackend, type TestBackend } from '@portico/test-utils';
import jiraFeatures from '../index';
import type { FakeJira } from './FakeJira';

/** A catalog entity (Component by default) with the given annotations, as catalog YAML. */
export function entity(name: string, annotations: Record<string, string> = {}, options: { kind?: 'Component' | 'Group'; owner?: string } = {}): string {
  const kind = options.kind ?? 'Component';
  const lines = Object.entries(annotations).map(([k, v]) => `    ${k}: ${JSON.stringify(v)}`);
  const spec = kind === 'Group' ? ['spec:', '  type: team', '  children: []'] : ['spec:', '  type: service', '  lifecycle: production', `  owner: ${options.owner ?? 'team-a'}`];
  return ['apiVersion: backstage.io/v1alpha1', `kind: ${kind}`, 'metadata:', `  name: ${name}`, ...(lines.length ? ['  annotations:', ...lines] : []), ...spec].join('\n');
}

/**
 * The fixture of the Jira tests: the catalog (reading `entities` from a file) and the Jira bundle against the fake
 * (or `sites`), with a short request timeout so "Jira down" answers within seconds.
 */
export async function startJiraBackend(
  fake: FakeJira,
  options: { entities?: string[]; sites?: Array<Record<string, unknown>>; config?: { catalog?: Record<string, unknown> } & Record<string, unknown>; manualSchedulers?: boolean; features?: BackendFeature[] } = {},
): Promise<TestBackend & { cleanup(): Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jira-'));
  const file = path.join(dir, 'catalog-info.yaml');
  fs.writeFileSync(file, (options.entities ?? []).join('\n---\n'));
  const { catalog, ...config } = options.config ?? {};
  const started = startTestBackend({
    manualSchedulers: options.manualSchedulers,
    features: [catalogPlugin, jiraFeatures, ...(options.features ?? [])],
    config: {
      integrations: { file: { roots: [dir] }, jira: options.sites ?? [fake.site()] },
      catalog: { locations: [{ type: 'file', target: file }], processingInterval: 'PT1H', ...catalog },
      ...config,
    },
  });
  const backend = await started.catch(error => {
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  });
  return Object.assign(backend, {
    async cleanup() {
      await backend.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  });
}
