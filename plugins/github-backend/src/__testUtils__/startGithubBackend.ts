import request from 'supertest';
import { stringifyEntityRef, type Entity } from '@portico/catalog-model';
import { catalogPlugin } from '@portico/plugin-catalog-backend';
import { startTestBackend, type TestBackend } from '@portico/test-utils';
import githubFeatures from '../index';
import type { FakeGithub } from './FakeGithub';

export const WEBHOOK_SECRET = 'It is a secret to everybody';

/** The fixture of the GitHub tests: the catalog and the GitHub bundle against the fake, discovery of org `acme`. */
export async function startGithubBackend(fake: FakeGithub, options: { config?: Record<string, unknown>; discovery?: Record<string, unknown> | false; org?: boolean } = {}): Promise<TestBackend> {
  const providers: Record<string, unknown> = {};
  if (options.discovery !== false) providers.github = { acme: { organization: 'acme', ...(options.discovery ?? {}) } };
  if (options.org) providers.githubOrg = { acme: { organization: 'acme' } };
  return startTestBackend({
    features: [catalogPlugin, githubFeatures],
    config: {
      integrations: { github: [{ host: 'github.com', apiBaseUrl: fake.url, token: 'good', writeIntervalMs: 0 }] },
      github: { webhookSecret: WEBHOOK_SECRET },
      catalog: { providers, processingInterval: 'PT1H' },
      ...options.config,
    },
  });
}

/** The catalog's entities as `kind:namespace/name` refs, sorted. */
export async function entityRefs(backend: TestBackend, filter?: string): Promise<string[]> {
  const res = await request(backend.server).get(`/api/catalog/entities${filter ? `?filter=${encodeURIComponent(filter)}` : ''}`).expect(200);
  return (res.body as Entity[]).map(e => stringifyEntityRef(e)).sort();
}
