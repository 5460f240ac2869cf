import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import catalogPlugin from '@portico/plugin-catalog-backend';
import type { BackendFeature } from '@portico/backend-plugin-api';
import { startTestBackend, type TestBackend } from '@portico/test-utils';
import pagerdutyFeatures from '../index';
import type { FakePagerDuty } from './FakePagerDuty';

/** A Component with the given annotations, as catalog YAML. */
export function component(name: string, annotations: Record<string, string> = {}): string {
  const lines = Object.entries(annotations).map(([k, v]) => `    ${k}: ${JSON.stringify(v)}`);
  return [
    'apiVersion: backstage.io/v1alpha1',
    'kind: Component',
    'metadata:',
    `  name: ${name}`,
    ...(lines.length ? ['  annotations:', ...lines] : []),
    'spec:',
    '  type: service',
    '  lifecycle: production',
    '  owner: team-a',
  ].join('\n');
}

/**
 * The fixture of the PagerDuty tests: the catalog (reading `entities` from a file) and the PagerDuty bundle
 * against the fake, with a short request timeout so "PagerDuty down" answers within a second.
 */
export async function startPagerDutyBackend(
  fake: FakePagerDuty,
  options: { entities?: string[]; accounts?: Array<Record<string, unknown>>; config?: { catalog?: Record<string, unknown> } & Record<string, unknown>; manualSchedulers?: boolean; features?: BackendFeature[] } = {},
): Promise<TestBackend & { cleanup(): Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pagerduty-'));
  const file = path.join(dir, 'catalog-info.yaml');
  fs.writeFileSync(file, (options.entities ?? []).join('\n---\n'));
  const { catalog, ...config } = options.config ?? {};
  const started = startTestBackend({
    manualSchedulers: options.manualSchedulers,
    features: [catalogPlugin, pagerdutyFeatures, ...(options.features ?? [])],
    config: {
      integrations: {
        file: { roots: [dir] },
        pagerduty: options.accounts ?? [{ id: 'default', apiBaseUrl: fake.url, eventsBaseUrl: fake.url, token: 'good-key', timeoutMs: 1500, maxRetryWaitMs: 2000 }],
      },
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
