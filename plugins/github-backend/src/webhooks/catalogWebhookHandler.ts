import type { LoggerService } from '@portico/backend-plugin-api';
import { minimatch } from 'minimatch';
import type { GithubEntityProvider } from '../discovery/GithubEntityProvider';
import type { GithubOrgEntityProvider } from '../discovery/GithubOrgEntityProvider';
import type { RepositoryInfo } from '../discovery/readRepository';
import type { GithubWebhookEvent } from './webhookEvents';

interface PushPayload {
  ref?: string;
  repository?: RepositoryInfo & { owner: { login?: string; name?: string } };
  commits?: Array<{ added?: string[]; modified?: string[]; removed?: string[] }>;
  head_commit?: { added?: string[]; modified?: string[]; removed?: string[] } | null;
}

interface RepositoryPayload {
  action?: string;
  repository?: RepositoryInfo;
  changes?: { repository?: { name?: { from?: string } } };
  organization?: { login?: string };
}

const ORG_EVENTS = new Set(['team', 'membership', 'member', 'organization', 'team_add']);

/** Whether a push touched a catalog file of the provider's `catalogPath` (a path or a glob). */
export function touchesCatalogFiles(payload: PushPayload, catalogPath: string): boolean {
  const pattern = catalogPath.replace(/^\/+/, '');
  const changed = [...(payload.commits ?? []), ...(payload.head_commit ? [payload.head_commit] : [])].flatMap(c => [
    ...(c.added ?? []),
    ...(c.modified ?? []),
    ...(c.removed ?? []),
  ]);
  return changed.some(file => file === pattern || minimatch(file, pattern, { dot: true }));
}

/**
 * Applies a verified webhook to the catalog: a push to the default branch touching catalog files
 * re-reads that repository (delta mutation); archived, renamed, deleted, transferred repositories update
 * or remove their entities; team and membership events re-import the organisation's Groups and Users.
 */
export function createCatalogWebhookHandler(options: {
  providers: GithubEntityProvider[];
  orgProviders: GithubOrgEntityProvider[];
  logger: LoggerService;
}) {
  const { providers, orgProviders, logger } = options;
  return async (event: GithubWebhookEvent): Promise<void> => {
    if (event.name === 'push') {
      const payload = event.payload as PushPayload;
      const repo = payload.repository;
      const owner = repo?.owner.login ?? repo?.owner.name;
      if (!repo || !owner) return;
      for (const provider of providers.filter(p => p.owns(event.host, owner))) {
        const branch = provider.config.branch ?? repo.default_branch ?? (repo as { master_branch?: string }).master_branch;
        if (payload.ref !== `refs/heads/${branch}`) continue;
        if (!touchesCatalogFiles(payload, provider.config.catalogPath)) continue;
        logger.info(`Push to ${repo.full_name}@${branch} changed catalog files; reading it again`);
        await provider.refreshRepository({ ...repo, owner: { login: owner } });
      }
      return;
    }
    if (event.name === 'repository') {
      const payload = event.payload as RepositoryPayload;
      const repo = payload.repository;
      if (!repo) return;
      for (const provider of providers.filter(p => p.owns(event.host, repo.owner.login))) {
        switch (payload.action) {
          case 'deleted':
          case 'transferred':
            await provider.removeRepository(repo.full_name);
            break;
          case 'renamed': {
            const from = payload.changes?.repository?.name?.from;
            if (from) await provider.removeRepository(`${repo.owner.login}/${from}`);
            await provider.refreshRepository(repo);
            break;
          }
          case 'archived':
          case 'unarchived':
          case 'created':
          case 'publicized':
          case 'privatized':
          case 'edited':
            // refreshRepository removes the repository's entities when the filters now leave it out.
            await provider.refreshRepository(repo);
            break;
          default:
            break;
        }
      }
      return;
    }
    if (ORG_EVENTS.has(event.name)) {
      const org = (event.payload as RepositoryPayload).organization?.login;
      if (!org) return;
      await Promise.all(orgProviders.filter(p => p.owns(event.host, org)).map(p => p.run()));
    }
  };
}
