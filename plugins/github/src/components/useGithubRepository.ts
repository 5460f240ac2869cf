import type { Entity } from '@portico/catalog-model';
import { ANNOTATION_GITHUB_HOST, ANNOTATION_GITHUB_PROJECT_SLUG, parseProjectSlug } from '@portico/plugin-github-common';

/** The repository an entity names in `github.com/project-slug` (host from `github.com/host`). */
export function repositoryOf(entity: Entity): { owner: string; repo: string; host?: string } | undefined {
  const slug = parseProjectSlug(entity.metadata.annotations?.[ANNOTATION_GITHUB_PROJECT_SLUG]);
  if (!slug) return undefined;
  const host = entity.metadata.annotations?.[ANNOTATION_GITHUB_HOST];
  return host ? { ...slug, host } : slug;
}

/** "3 days", "5 hours": how long ago an ISO time was. */
export function ageOf(iso: string, now = Date.now()): string {
  const hours = Math.max(0, (now - Date.parse(iso)) / 3_600_000);
  if (hours < 1) return 'less than an hour';
  if (hours < 48) return `${Math.floor(hours)} hour${Math.floor(hours) === 1 ? '' : 's'}`;
  return `${Math.floor(hours / 24)} days`;
}
