import type { GithubClient } from '../integration/GithubClients';
import type { ReviewLike } from './githubInsightsEvents';

/** What a pull request's event needs beyond the PR itself: its reviews, and for a merged one its first commit's time. */
export interface PullRequestDetails {
  reviews: ReviewLike[];
  /** Undefined when not read (an open PR), null when it has no readable commit. */
  firstCommitAt?: string | null;
}

/**
 * Reads a PR's reviews (one request per 100) and, when it is merged, its first commit (`GET /pulls/{n}/commits` lists
 * oldest first: one request), whose authored time starts its lead time.
 */
export async function readPullRequestDetails(client: GithubClient, options: { owner: string; repo: string; number: number; merged: boolean; signal?: AbortSignal }): Promise<PullRequestDetails> {
  const { owner, repo, number, signal } = options;
  const [reviews, commits] = await Promise.all([
    client.paginate(client.rest.pulls.listReviews, { owner, repo, pull_number: number, per_page: 100, request: { signal } }),
    options.merged ? client.rest.pulls.listCommits({ owner, repo, pull_number: number, per_page: 1, request: { signal } }) : undefined,
  ]);
  if (!commits) return { reviews };
  const first = commits.data[0]?.commit;
  return { reviews, firstCommitAt: first?.author?.date ?? first?.committer?.date ?? null };
}
