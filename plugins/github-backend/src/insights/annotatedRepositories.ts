import { stringifyEntityRef } from '@portico/catalog-model';
import { CATALOG_FILTER_EXISTS, type CatalogApi } from '@portico/plugin-catalog-common';
import { ANNOTATION_GITHUB_PROJECT_SLUG } from '@portico/plugin-github-common';
import { repositoryOf } from '../facts/GithubFactCollector';

/** A repository and the catalog entities annotated with it (sorted refs; several for a monorepo). */
export interface AnnotatedRepository {
  host: string;
  owner: string;
  repo: string;
  entityRefs: string[];
}

/** `host/owner/repo`, lower case: GitHub names are case-insensitive. */
export const repositoryKey = (r: { host?: string; owner: string; repo: string }) => `${r.host ?? 'github.com'}/${r.owner}/${r.repo}`.toLowerCase();

/**
 * The repositories of entities annotated `github.com/project-slug` (host from `github.com/host` or the source
 * location, as the fact collector finds it), each with its entities. `slug` narrows the catalog query to one
 * repository (a webhook's); the catalog matches annotation values case-insensitively, the host is checked here.
 */
export async function annotatedRepositories(
  catalog: CatalogApi,
  token: string | undefined,
  only?: { host: string; owner: string; repo: string },
): Promise<AnnotatedRepository[]> {
  const value = only ? `${only.owner}/${only.repo}` : CATALOG_FILTER_EXISTS;
  const { items } = await catalog.getEntities({ filter: { [`metadata.annotations.${ANNOTATION_GITHUB_PROJECT_SLUG}`]: value } }, token ? { token } : undefined);
  const byKey = new Map<string, AnnotatedRepository>();
  for (const entity of items) {
    const target = repositoryOf(entity);
    if (!target) continue;
    const host = target.host ?? 'github.com';
    const key = repositoryKey(target);
    if (only && key !== repositoryKey(only)) continue;
    const entry = byKey.get(key) ?? { host, owner: target.owner, repo: target.repo, entityRefs: [] };
    entry.entityRefs.push(stringifyEntityRef(entity));
    byKey.set(key, entry);
  }
  for (const entry of byKey.values()) entry.entityRefs.sort();
  return [...byKey.values()].sort((a, b) => repositoryKey(a).localeCompare(repositoryKey(b)));
}
