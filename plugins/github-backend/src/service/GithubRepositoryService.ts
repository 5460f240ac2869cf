import type { GithubPullRequestSummary, GithubRepositorySummary } from '@portico/plugin-github-common';
import type { GithubClient, GithubClients } from '../integration/GithubClients';
import { toPorticoError } from '../integration/githubErrors';

const DAY = 24 * 60 * 60 * 1000;

/** Branch protection as the card and the facts see it. */
export type BranchProtection = GithubRepositorySummary['branchProtection'];

const status = (error: unknown) => (error as { status?: number }).status;

/** Repository data for the card, the Pull requests tab and the scorecard facts. */
export class GithubRepositoryService {
  constructor(private readonly clients: GithubClients) {}

  private client(host?: string): GithubClient {
    return this.clients.forHost(host ?? 'github.com');
  }

  async getRepository(options: { host?: string; owner: string; repo: string }) {
    try {
      return (await this.client(options.host).rest.repos.get({ owner: options.owner, repo: options.repo })).data;
    } catch (error) {
      throw toPorticoError(error, `${options.owner}/${options.repo}`);
    }
  }

  async getBranchProtection(options: { host?: string; owner: string; repo: string; branch: string }): Promise<BranchProtection> {
    try {
      const { data } = await this.client(options.host).rest.repos.getBranchProtection(options);
      return {
        protected: true,
        requiredReviews: data.required_pull_request_reviews?.required_approving_review_count ?? null,
        requiredStatusChecks: data.required_status_checks?.contexts ?? [],
        enforceAdmins: Boolean(data.enforce_admins?.enabled),
      };
    } catch (error) {
      // 404: the branch is not protected; 403: the token may not read protection (treated the same, logged by callers).
      if (status(error) === 404) return { protected: false, requiredReviews: null, requiredStatusChecks: [], enforceAdmins: false };
      throw toPorticoError(error, `branch protection of ${options.owner}/${options.repo}`);
    }
  }

  async getLanguages(options: { host?: string; owner: string; repo: string }): Promise<Array<{ name: string; bytes: number }>> {
    const { data } = await this.client(options.host).rest.repos.listLanguages(options);
    return Object.entries(data).map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes);
  }

  async getLastCommit(options: { host?: string; owner: string; repo: string; branch: string }): Promise<GithubRepositorySummary['lastCommit']> {
    try {
      const { data } = await this.client(options.host).rest.repos.listCommits({ owner: options.owner, repo: options.repo, sha: options.branch, per_page: 1 });
      const c = data[0];
      if (!c) return null;
      return { sha: c.sha, message: c.commit.message, author: c.author?.login ?? c.commit.author?.name ?? null, date: c.commit.committer?.date ?? c.commit.author?.date ?? null, htmlUrl: c.html_url };
    } catch (error) {
      if (status(error) === 409) return null; // empty repository
      throw toPorticoError(error, `commits of ${options.owner}/${options.repo}`);
    }
  }

  /** Summaries being read now, by host and repository: callers asking at the same time share one read. */
  private readonly summariesInFlight = new Map<string, Promise<GithubRepositorySummary>>();

  async getSummary(options: { host?: string; owner: string; repo: string }): Promise<GithubRepositorySummary> {
    // The integration's credentials read it, whoever asks (the router has checked the caller may): a burst of page
    // views of one repository costs GitHub one read, and a slow GitHub one waiting request, not one per view.
    const key = `${options.host ?? 'github.com'}\u0000${options.owner}\u0000${options.repo}`.toLowerCase();
    const running = this.summariesInFlight.get(key);
    if (running) return running;
    const read = this.readSummary(options).finally(() => this.summariesInFlight.delete(key));
    this.summariesInFlight.set(key, read);
    return read;
  }

  private async readSummary(options: { host?: string; owner: string; repo: string }): Promise<GithubRepositorySummary> {
    const repo = await this.getRepository(options);
    const branch = repo.default_branch;
    const [languages, branchProtection, lastCommit] = await Promise.all([
      this.getLanguages(options),
      this.getBranchProtection({ ...options, branch }),
      this.getLastCommit({ ...options, branch }),
    ]);
    return { fullName: repo.full_name, htmlUrl: repo.html_url, description: repo.description, defaultBranch: branch, archived: repo.archived, languages, branchProtection, lastCommit };
  }

  async listOpenPullRequests(options: { host?: string; owner: string; repo: string; withReviews?: boolean }): Promise<GithubPullRequestSummary[]> {
    const client = this.client(options.host);
    try {
      const pulls = await client.paginate(client.rest.pulls.list, { owner: options.owner, repo: options.repo, state: 'open', per_page: 100 });
      return Promise.all(
        pulls.map(async pull => {
          let reviewState: GithubPullRequestSummary['reviewState'] = 'review_required';
          if (options.withReviews !== false) {
            const reviews = (await client.rest.pulls.listReviews({ owner: options.owner, repo: options.repo, pull_number: pull.number })).data;
            // The latest review of each reviewer counts.
            const latest = new Map<string, string>();
            for (const review of reviews) latest.set(review.user?.login ?? String(review.id), review.state);
            const states = [...latest.values()];
            if (states.includes('CHANGES_REQUESTED')) reviewState = 'changes_requested';
            else if (states.includes('APPROVED')) reviewState = 'approved';
            else if (states.length) reviewState = 'commented';
          }
          return { number: pull.number, title: pull.title, htmlUrl: pull.html_url, author: pull.user?.login ?? null, createdAt: pull.created_at, draft: Boolean(pull.draft), reviewState };
        }),
      );
    } catch (error) {
      throw toPorticoError(error, `pull requests of ${options.owner}/${options.repo}`);
    }
  }

  /** Median hours from open to merge of pull requests merged in the last `days` days; null without any. */
  async medianCycleTimeHours(options: { host?: string; owner: string; repo: string; days?: number; now?: Date }): Promise<number | null> {
    const client = this.client(options.host);
    const since = (options.now ?? new Date()).getTime() - (options.days ?? 30) * DAY;
    const hours: number[] = [];
    for await (const page of client.paginate.iterator(client.rest.pulls.list, { owner: options.owner, repo: options.repo, state: 'closed', sort: 'updated', direction: 'desc', per_page: 100 })) {
      let older = false;
      for (const pull of page.data) {
        if (Date.parse(pull.updated_at) < since) older = true;
        if (pull.merged_at && Date.parse(pull.merged_at) >= since) hours.push((Date.parse(pull.merged_at) - Date.parse(pull.created_at)) / 3_600_000);
      }
      if (older) break;
    }
    if (!hours.length) return null;
    hours.sort((a, b) => a - b);
    const mid = Math.floor(hours.length / 2);
    const median = hours.length % 2 ? hours[mid] : (hours[mid - 1] + hours[mid]) / 2;
    return Math.round(median * 10) / 10;
  }

  /** Whether a file exists on the default branch (any of `paths`). */
  async hasAnyFile(options: { host?: string; owner: string; repo: string; ref: string; paths: string[] }): Promise<boolean> {
    const client = this.client(options.host);
    for (const path of options.paths) {
      try {
        await client.rest.repos.getContent({ owner: options.owner, repo: options.repo, path, ref: options.ref, mediaType: { format: 'raw' } });
        return true;
      } catch (error) {
        if (status(error) !== 404) throw error;
      }
    }
    return false;
  }

  /** Open Dependabot alerts by severity; null when alerts are not readable (disabled or no permission). */
  async dependabotAlertsBySeverity(options: { host?: string; owner: string; repo: string }): Promise<Record<string, number> | null> {
    const client = this.client(options.host);
    try {
      const alerts = await client.paginate(client.rest.dependabot.listAlertsForRepo, { owner: options.owner, repo: options.repo, state: 'open', per_page: 100 });
      const counts: Record<string, number> = { critical: 0, high: 0, medium: 0, low: 0 };
      for (const alert of alerts) {
        const severity = alert.security_advisory?.severity ?? alert.security_vulnerability?.severity ?? 'low';
        counts[severity] = (counts[severity] ?? 0) + 1;
      }
      return counts;
    } catch (error) {
      if ([403, 404].includes(status(error) ?? 0)) return null;
      throw error;
    }
  }
}
