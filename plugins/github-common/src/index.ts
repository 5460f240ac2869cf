/** @portico/plugin-github-common: annotations and the shapes the GitHub plugin pair exchange. Isomorphic. */
import { createPermission } from '@portico/permission-common';

/** `owner/repo` of the repository an entity lives in; turns on the GitHub card, tab and facts. */
export const ANNOTATION_GITHUB_PROJECT_SLUG = 'github.com/project-slug';
/** The slug of the GitHub team a Group was imported from. */
export const ANNOTATION_GITHUB_TEAM_SLUG = 'github.com/team-slug';
/** The login of the GitHub user a User was imported from. */
export const ANNOTATION_GITHUB_USER_LOGIN = 'github.com/user-login';
/** The GitHub host (for GitHub Enterprise) of an entity's repository; github.com when absent. */
export const ANNOTATION_GITHUB_HOST = 'github.com/host';

/** What the repository card shows. */
export interface GithubRepositorySummary {
  fullName: string;
  htmlUrl: string;
  description: string | null;
  defaultBranch: string;
  archived: boolean;
  /** Bytes of code per language, largest first. */
  languages: Array<{ name: string; bytes: number }>;
  branchProtection: {
    protected: boolean;
    requiredReviews: number | null;
    requiredStatusChecks: string[];
    enforceAdmins: boolean;
  };
  lastCommit: { sha: string; message: string; author: string | null; date: string | null; htmlUrl: string } | null;
}

/** One open pull request for the Pull requests tab. */
export interface GithubPullRequestSummary {
  number: number;
  title: string;
  htmlUrl: string;
  author: string | null;
  createdAt: string;
  draft: boolean;
  /** `approved`, `changes_requested`, `review_required` (nobody reviewed yet) or `commented`. */
  reviewState: 'approved' | 'changes_requested' | 'review_required' | 'commented';
}

/** What discovery would add for an organisation. */
export interface GithubDiscoveryPreview {
  organization: string;
  host: string;
  repositoriesScanned: number;
  /** Repositories with catalog files, with the entities read from them. */
  repositories: Array<{
    fullName: string;
    files: Array<{ url: string; entities: Array<{ kind: string; name: string; namespace?: string }>; error?: string }>;
  }>;
  /** Repositories left out and why (filtered, no catalog file). */
  skipped: Array<{ fullName: string; reason: string }>;
}

/** Parses `owner/repo`; undefined when the value is not of that shape. */
export function parseProjectSlug(slug: string | undefined): { owner: string; repo: string } | undefined {
  const match = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(slug?.trim() ?? '');
  return match ? { owner: match[1], repo: match[2] } : undefined;
}

// The GitHub plugin's permissions. Repository reads for the card and tab need credentials only; webhooks
// are authenticated by their signature.

/** Scan an organisation's repositories with the integration's credentials (`GET /discovery/preview`). */
export const githubDiscoveryPreviewPermission = createPermission({ name: 'github.discovery.preview', attributes: { action: 'read' } });

/** Every permission of the GitHub plugin. */
export const githubPermissions = [githubDiscoveryPreviewPermission];
