import { z } from 'zod';
import type { LoggerService } from '@portico/backend-plugin-api';
import { ANNOTATION_LOCATION, ANNOTATION_SOURCE_LOCATION, stringifyEntityRef, type Entity } from '@portico/catalog-model';
import type { CollectedFacts, FactCollector } from '@portico/plugin-scorecards-node';
import { ANNOTATION_GITHUB_HOST, ANNOTATION_GITHUB_PROJECT_SLUG, parseProjectSlug } from '@portico/plugin-github-common';
import type { GithubRepositoryService } from '../service/GithubRepositoryService';

const severities = z.object({ critical: z.number(), high: z.number(), medium: z.number(), low: z.number() });

/** The facts this collector produces, by name (all prefixed `github.`). */
export const githubFacts = {
  'github.defaultBranch': z.string(),
  'github.branchProtection.enabled': z.boolean(),
  'github.branchProtection.requiredReviews': z.number(),
  'github.branchProtection.requiredStatusChecks': z.array(z.string()),
  'github.branchProtection.enforceAdmins': z.boolean(),
  'github.openPullRequests': z.number(),
  'github.oldestOpenPullRequestAgeDays': z.number(),
  'github.pullRequestCycleTimeHours': z.number(),
  'github.languages': z.record(z.string(), z.number()),
  'github.primaryLanguage': z.string(),
  'github.hasCodeowners': z.boolean(),
  'github.hasReadme': z.boolean(),
  'github.dependabotAlerts': severities,
  'github.dependabotAlerts.criticalAndHigh': z.number(),
  'github.lastCommitAt': z.string(),
  'github.daysSinceLastCommit': z.number(),
};

const DAY = 86_400_000;

/** Facts for one entity's repository. Missing data (no protection readable, alerts disabled) is left out, not guessed. */
export async function collectRepositoryFacts(service: GithubRepositoryService, target: { host?: string; owner: string; repo: string }, now = new Date()) {
  const repo = await service.getRepository(target);
  const branch = repo.default_branch;
  const [protection, pulls, cycle, languages, codeowners, readme, alerts, lastCommit] = await Promise.all([
    service.getBranchProtection({ ...target, branch }).catch(() => undefined),
    service.listOpenPullRequests({ ...target, withReviews: false }),
    service.medianCycleTimeHours({ ...target, now }),
    service.getLanguages(target),
    service.hasAnyFile({ ...target, ref: branch, paths: ['CODEOWNERS', '.github/CODEOWNERS', 'docs/CODEOWNERS'] }),
    service.hasAnyFile({ ...target, ref: branch, paths: ['README.md', 'README', 'readme.md', 'README.rst'] }),
    service.dependabotAlertsBySeverity(target),
    service.getLastCommit({ ...target, branch }),
  ]);
  const facts: Record<string, z.infer<(typeof githubFacts)[keyof typeof githubFacts]>> = {
    'github.defaultBranch': branch,
    'github.openPullRequests': pulls.length,
    'github.oldestOpenPullRequestAgeDays': pulls.length ? Math.floor(Math.max(...pulls.map(p => now.getTime() - Date.parse(p.createdAt))) / DAY) : 0,
    'github.languages': Object.fromEntries(languages.map(l => [l.name, l.bytes])),
    'github.hasCodeowners': codeowners,
    'github.hasReadme': readme,
  };
  if (languages[0]) facts['github.primaryLanguage'] = languages[0].name;
  if (protection) {
    facts['github.branchProtection.enabled'] = protection.protected;
    facts['github.branchProtection.requiredReviews'] = protection.requiredReviews ?? 0;
    facts['github.branchProtection.requiredStatusChecks'] = protection.requiredStatusChecks;
    facts['github.branchProtection.enforceAdmins'] = protection.enforceAdmins;
  }
  if (cycle !== null) facts['github.pullRequestCycleTimeHours'] = cycle;
  if (alerts) {
    facts['github.dependabotAlerts'] = alerts as z.infer<typeof severities>;
    facts['github.dependabotAlerts.criticalAndHigh'] = (alerts.critical ?? 0) + (alerts.high ?? 0);
  }
  if (lastCommit?.date) {
    facts['github.lastCommitAt'] = lastCommit.date;
    facts['github.daysSinceLastCommit'] = Math.floor((now.getTime() - Date.parse(lastCommit.date)) / DAY);
  }
  return facts;
}

/**
 * The host of an entity's source when it is that very repository on another host than github.com:
 * `backstage.io/source-location` (then `managed-by-location`) `url:https://<host>/<owner>/<repo>/…`.
 */
function hostOfSource(entity: Entity, slug: { owner: string; repo: string }): string | undefined {
  const annotations = entity.metadata.annotations ?? {};
  for (const key of [ANNOTATION_SOURCE_LOCATION, ANNOTATION_LOCATION]) {
    const value = annotations[key];
    if (!value?.startsWith('url:')) continue;
    let url: URL;
    try {
      url = new URL(value.slice('url:'.length));
    } catch {
      continue;
    }
    const [owner, repo] = url.pathname.split('/').slice(1, 3).map(p => p.toLowerCase());
    if (owner === slug.owner.toLowerCase() && repo === slug.repo.toLowerCase().replace(/\.git$/, '')) return url.host;
  }
  return undefined;
}

/**
 * The target repository of an entity: `github.com/project-slug`, host from `github.com/host`, else from the
 * entity's source location when it points at that repository (an Enterprise entity registered by URL).
 */
export function repositoryOf(entity: Entity): { host?: string; owner: string; repo: string } | undefined {
  const slug = parseProjectSlug(entity.metadata.annotations?.[ANNOTATION_GITHUB_PROJECT_SLUG]);
  if (!slug) return undefined;
  const host = entity.metadata.annotations?.[ANNOTATION_GITHUB_HOST] || hostOfSource(entity, slug);
  return { ...slug, ...(host && host !== 'github.com' ? { host } : {}) };
}

/** A scorecards fact collector over entities annotated `github.com/project-slug`. */
export function createGithubFactCollector(options: { service: GithubRepositoryService; logger: LoggerService; schedule?: string }): FactCollector {
  return {
    id: 'github',
    // Entity filters match values, not presence: every entity comes in, those without the annotation are skipped.
    facts: githubFacts,
    schedule: options.schedule ?? 'PT6H',
    freshness: 'P2D',
    // a new (or changed) entity gets its facts on the catalog's change event, not hours later on the schedule
    collectOnChange: true,
    async collect(entities: Entity[]): Promise<CollectedFacts[]> {
      const out: CollectedFacts[] = [];
      for (const entity of entities) {
        const target = repositoryOf(entity);
        if (!target) continue;
        try {
          const facts = await collectRepositoryFacts(options.service, target);
          out.push({ entityRef: stringifyEntityRef(entity), facts });
        } catch (error) {
          options.logger.warn(`GitHub facts for ${target.owner}/${target.repo} failed: ${(error as Error).message}`);
        }
      }
      return out;
    },
  };
}
