import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';

/**
 * A local GitHub on 127.0.0.1 answering in GitHub's REST shapes (checked against @octokit/openapi by
 * FakeGithub.contract.test.ts): organisation repositories with Link pagination, contents, git data,
 * branch protection, pulls and reviews, deployments and their statuses, workflow runs, languages, teams,
 * members, repository creation, rate-limit headers and 401/403/429 paths. Tests seed it with `addRepo`, `addTeam`, ... and inspect `requests`.
 */

type Json = Record<string, unknown>;

interface TreeEntry {
  path: string;
  mode: string;
  type: 'blob';
  sha: string;
}

export interface FakeCommit {
  sha: string;
  tree: string;
  parents: string[];
  message: string;
  date: string;
  author: string;
}

export interface FakePull {
  number: number;
  title: string;
  user: string;
  state: 'open' | 'closed';
  createdAt: string;
  closedAt: string | null;
  mergedAt: string | null;
  draft: boolean;
  head: string;
  base: string;
  body: string | null;
  /** When it last changed; `closedAt ?? createdAt` when not set. */
  updatedAt?: string;
  additions: number;
  deletions: number;
  /** When its first commit was authored (`GET /pulls/{n}/commits` answers one commit then); `createdAt` when not set. */
  firstCommitAt?: string;
  reviews: Array<{ user: string; state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED'; submittedAt?: string }>;
}

export interface FakeDeployment {
  id: number;
  sha: string;
  ref: string;
  environment: string;
  creator: string;
  createdAt: string;
  /** Oldest first, as created; the API answers newest first. */
  statuses: Array<{ id: number; state: 'error' | 'failure' | 'inactive' | 'pending' | 'success' | 'queued' | 'in_progress'; createdAt: string }>;
}

export interface FakeWorkflowRun {
  id: number;
  /** The workflow's file, e.g. `.github/workflows/deploy.yml`. */
  path: string;
  name: string;
  headBranch: string;
  headSha: string;
  event: string;
  status: 'queued' | 'in_progress' | 'completed';
  conclusion: 'success' | 'failure' | 'cancelled' | 'skipped' | null;
  runNumber: number;
  createdAt: string;
  updatedAt: string;
}

export interface FakeRepo {
  id: number;
  owner: string;
  name: string;
  description: string | null;
  visibility: 'public' | 'private' | 'internal';
  archived: boolean;
  fork: boolean;
  topics: string[];
  defaultBranch: string;
  branches: Map<string, string>;
  protection: Map<string, { requiredReviews?: number; statusChecks?: string[]; enforceAdmins?: boolean }>;
  languages: Record<string, number>;
  pulls: FakePull[];
  dependabotAlerts: Array<{ severity: 'low' | 'medium' | 'high' | 'critical'; state: 'open' | 'fixed' | 'dismissed' }>;
  teamPermissions: Record<string, string>;
  dispatches: Array<{ workflowId: string; ref: string; inputs?: Json }>;
  deployments: FakeDeployment[];
  workflowRuns: FakeWorkflowRun[];
  createdAt: string;
}

export interface FakeTeam {
  id: number;
  org: string;
  slug: string;
  name: string;
  description: string | null;
  parent?: string;
  members: string[];
}

export interface RepoSeed {
  files?: Record<string, string>;
  description?: string | null;
  visibility?: 'public' | 'private' | 'internal';
  archived?: boolean;
  fork?: boolean;
  topics?: string[];
  defaultBranch?: string;
  languages?: Record<string, number>;
  protection?: { requiredReviews?: number; statusChecks?: string[]; enforceAdmins?: boolean };
  pulls?: Array<Partial<FakePull> & { title: string }>;
  dependabotAlerts?: FakeRepo['dependabotAlerts'];
  commitDate?: string;
}

const sha1 = (value: string | Buffer) => createHash('sha1').update(value).digest('hex');

export class FakeGithub {
  readonly repos = new Map<string, FakeRepo>();
  readonly teams: FakeTeam[] = [];
  readonly orgMembers = new Map<string, string[]>();
  readonly blobs = new Map<string, Buffer>();
  readonly trees = new Map<string, TreeEntry[]>();
  readonly commits = new Map<string, FakeCommit>();
  /** Every request: method, path (with query) and status. */
  readonly requests: Array<{ method: string; path: string; status?: number }> = [];
  /** When set, only these tokens are accepted (`Authorization: token X` or `Bearer X`); others get 401. */
  tokens: string[] | undefined;
  /** The most items a page holds whatever `per_page` asks (GitHub's is 100); lower it to page through few items. */
  maxPerPage = 100;
  /** Primary rate limit: when `remaining` reaches 0, requests get a 403 until `resetAt` (epoch seconds). */
  rateLimit = { limit: 5000, remaining: 5000, resetAt: Math.floor(Date.now() / 1000) + 3600, windowSeconds: 3600 };
  private failures: Array<{ method?: string; path: RegExp; query?: Record<string, string>; status: number; headers?: Record<string, string>; message: string; times: number }> = [];
  private nextId = 1000;
  private server: http.Server | undefined;
  private baseUrl = '';

  /** `http://127.0.0.1:<port>`, the API base URL to configure. */
  get url(): string {
    return this.baseUrl;
  }

  async start(): Promise<this> {
    const app = express();
    app.use(express.json({ limit: '20mb' }));
    app.use((req, res, next) => this.gate(req, res, next));
    this.routes(app);
    app.use((req: Request, res: Response) => this.error(res, 404, 'Not Found'));
    this.server = http.createServer(app);
    await new Promise<void>(resolve => this.server!.listen(0, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>(resolve => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The next `times` requests matching `path` (and `method`, and the `query` parameters given) fail with `status`. */
  failNext(options: { method?: string; path: RegExp; query?: Record<string, string>; status: number; headers?: Record<string, string>; message?: string; times?: number }): void {
    this.failures.push({ times: 1, message: 'Injected failure', ...options });
  }

  // ---------------------------------------------------------------- seeding

  addRepo(owner: string, name: string, seed: RepoSeed = {}): FakeRepo {
    const key = `${owner}/${name}`.toLowerCase();
    const repo: FakeRepo = {
      id: this.nextId++,
      owner,
      name,
      description: seed.description ?? null,
      visibility: seed.visibility ?? 'public',
      archived: seed.archived ?? false,
      fork: seed.fork ?? false,
      topics: seed.topics ?? [],
      defaultBranch: seed.defaultBranch ?? 'main',
      branches: new Map(),
      protection: new Map(),
      languages: seed.languages ?? {},
      pulls: [],
      dependabotAlerts: seed.dependabotAlerts ?? [],
      teamPermissions: {},
      dispatches: [],
      deployments: [],
      workflowRuns: [],
      createdAt: new Date(Date.UTC(2024, 0, 1)).toISOString(),
    };
    this.repos.set(key, repo);
    if (seed.files) this.commitFiles(repo, repo.defaultBranch, seed.files, { message: 'Initial commit', date: seed.commitDate });
    if (seed.protection) repo.protection.set(repo.defaultBranch, seed.protection);
    for (const pull of seed.pulls ?? []) this.addPull(repo, pull);
    return repo;
  }

  repo(fullName: string): FakeRepo | undefined {
    return this.repos.get(fullName.toLowerCase());
  }

  addPull(repo: FakeRepo, pull: Partial<FakePull> & { title: string }): FakePull {
    const created: FakePull = {
      number: repo.pulls.length + 1,
      user: 'octocat',
      state: 'open',
      createdAt: new Date().toISOString(),
      closedAt: null,
      mergedAt: null,
      draft: false,
      head: `branch-${repo.pulls.length + 1}`,
      base: repo.defaultBranch,
      body: null,
      additions: 10,
      deletions: 2,
      reviews: [],
      ...pull,
    };
    repo.pulls.push(created);
    return created;
  }

  /** A deployment with its statuses (oldest first); `sha` defaults to the default branch's head. */
  addDeployment(repo: FakeRepo, deployment: Partial<Omit<FakeDeployment, 'statuses'>> & { environment: string; statuses?: Array<{ state: FakeDeployment['statuses'][number]['state']; createdAt?: string }> }): FakeDeployment {
    const createdAt = deployment.createdAt ?? new Date().toISOString();
    const created: FakeDeployment = {
      id: this.nextId++,
      sha: repo.branches.get(repo.defaultBranch) ?? '0'.repeat(40),
      ref: repo.defaultBranch,
      creator: 'octocat',
      ...deployment,
      createdAt,
      statuses: (deployment.statuses ?? []).map(s => ({ id: this.nextId++, state: s.state, createdAt: s.createdAt ?? createdAt })),
    };
    repo.deployments.push(created);
    return created;
  }

  /** A run of the workflow in `path` (`.github/workflows/<file>`), completed successfully on the default branch unless told otherwise. */
  addWorkflowRun(repo: FakeRepo, run: Partial<FakeWorkflowRun> & { path: string }): FakeWorkflowRun {
    const createdAt = run.createdAt ?? new Date().toISOString();
    const created: FakeWorkflowRun = {
      id: this.nextId++,
      name: run.path.split('/').pop()!.replace(/\.ya?ml$/, ''),
      headBranch: repo.defaultBranch,
      headSha: repo.branches.get(repo.defaultBranch) ?? '0'.repeat(40),
      event: 'push',
      status: 'completed',
      conclusion: 'success',
      runNumber: repo.workflowRuns.filter(r => r.path === run.path).length + 1,
      updatedAt: createdAt,
      ...run,
      createdAt,
    };
    repo.workflowRuns.push(created);
    return created;
  }

  addTeam(org: string, team: { slug: string; name?: string; description?: string; parent?: string; members?: string[] }): FakeTeam {
    const created: FakeTeam = { id: this.nextId++, org, slug: team.slug, name: team.name ?? team.slug, description: team.description ?? null, parent: team.parent, members: team.members ?? [] };
    this.teams.push(created);
    const members = this.orgMembers.get(org) ?? [];
    for (const m of created.members) if (!members.includes(m)) members.push(m);
    this.orgMembers.set(org, members);
    return created;
  }

  /** Writes files (path → content, null deletes) as a new commit on `branch`. */
  commitFiles(repo: FakeRepo, branch: string, files: Record<string, string | null>, options: { message?: string; date?: string } = {}): string {
    const parent = repo.branches.get(branch);
    const entries = new Map((parent ? this.trees.get(this.commits.get(parent)!.tree)! : []).map(e => [e.path, e]));
    for (const [path, content] of Object.entries(files)) {
      if (content === null) entries.delete(path);
      else entries.set(path, { path, mode: '100644', type: 'blob', sha: this.putBlob(Buffer.from(content)) });
    }
    const tree = this.putTree([...entries.values()]);
    const commit = this.putCommit({ tree, parents: parent ? [parent] : [], message: options.message ?? 'Update', date: options.date });
    repo.branches.set(branch, commit);
    return commit;
  }

  /** The files of a branch, path → text. */
  filesOf(repo: FakeRepo, branch = repo.defaultBranch): Record<string, string> {
    const commit = repo.branches.get(branch);
    if (!commit) return {};
    return Object.fromEntries(this.trees.get(this.commits.get(commit)!.tree)!.map(e => [e.path, this.blobs.get(e.sha)!.toString()]));
  }

  private putBlob(content: Buffer): string {
    const sha = sha1(Buffer.concat([Buffer.from(`blob ${content.length}\0`), content]));
    this.blobs.set(sha, content);
    return sha;
  }

  private putTree(entries: TreeEntry[]): string {
    const sorted = [...entries].sort((a, b) => a.path.localeCompare(b.path));
    const sha = sha1(`tree ${JSON.stringify(sorted)}`);
    this.trees.set(sha, sorted);
    return sha;
  }

  private putCommit(commit: { tree: string; parents: string[]; message: string; date?: string; author?: string }): string {
    const date = commit.date ?? new Date().toISOString();
    const sha = sha1(`commit ${commit.tree} ${commit.parents.join(',')} ${commit.message} ${date} ${this.nextId++}`);
    this.commits.set(sha, { sha, tree: commit.tree, parents: commit.parents, message: commit.message, date, author: commit.author ?? 'octocat' });
    return sha;
  }

  // ---------------------------------------------------------------- HTTP

  /**
   * The next `remaining` requests pass, then 403s until `resetAfterSeconds` after the FIRST of them: the window opens
   * with the first request, not now, so a test whose backend is slow to start (a loaded machine) still meets the limit.
   */
  armRateLimit(options: { remaining: number; resetAfterSeconds: number }): void {
    this.armed = options;
  }

  private armed: { remaining: number; resetAfterSeconds: number } | undefined;

  private gate(req: Request, res: Response, next: NextFunction): void {
    const entry: { method: string; path: string; status?: number } = { method: req.method, path: req.originalUrl };
    this.requests.push(entry);
    res.on('finish', () => (entry.status = res.statusCode));
    const now = Math.floor(Date.now() / 1000);
    if (this.armed) {
      this.rateLimit = { ...this.rateLimit, remaining: this.armed.remaining, resetAt: now + this.armed.resetAfterSeconds };
      this.armed = undefined;
    }
    if (now >= this.rateLimit.resetAt) {
      this.rateLimit.remaining = this.rateLimit.limit;
      this.rateLimit.resetAt = now + this.rateLimit.windowSeconds;
    }
    if (this.tokens) {
      const token = /^(?:token|bearer)\s+(.+)$/i.exec(req.header('authorization') ?? '')?.[1];
      if (!token || !this.tokens.includes(token)) return this.error(res, 401, 'Bad credentials');
    }
    const rateHeaders = () => {
      res.setHeader('x-ratelimit-limit', String(this.rateLimit.limit));
      res.setHeader('x-ratelimit-remaining', String(this.rateLimit.remaining));
      res.setHeader('x-ratelimit-reset', String(this.rateLimit.resetAt));
      res.setHeader('x-ratelimit-used', String(this.rateLimit.limit - this.rateLimit.remaining));
      res.setHeader('x-ratelimit-resource', 'core');
    };
    if (req.path !== '/rate_limit') {
      if (this.rateLimit.remaining <= 0) {
        rateHeaders();
        return this.error(res, 403, 'API rate limit exceeded for installation. Check out the documentation for more information.');
      }
      this.rateLimit.remaining--;
    }
    rateHeaders();
    const failure = this.failures.find(
      f => f.path.test(req.path) && (!f.method || f.method === req.method) && Object.entries(f.query ?? {}).every(([k, v]) => String(req.query[k]) === v),
    );
    if (failure) {
      if (--failure.times <= 0) this.failures.splice(this.failures.indexOf(failure), 1);
      for (const [k, v] of Object.entries(failure.headers ?? {})) res.setHeader(k, v);
      return this.error(res, failure.status, failure.message);
    }
    next();
  }

  private error(res: Response, status: number, message: string, errors?: unknown[]): void {
    res.status(status).json({ message, documentation_url: 'https://docs.github.com/rest', ...(errors ? { errors } : {}), status: String(status) });
  }

  private page<T>(req: Request, res: Response, items: T[]): T[] {
    const perPage = Math.min(Math.max(Number(req.query.per_page) || 30, 1), this.maxPerPage);
    const page = Math.max(Number(req.query.page) || 1, 1);
    const last = Math.max(Math.ceil(items.length / perPage), 1);
    const link = (p: number, rel: string) => {
      const url = new URL(req.originalUrl, this.baseUrl);
      url.searchParams.set('page', String(p));
      url.searchParams.set('per_page', String(perPage));
      return `<${url.href}>; rel="${rel}"`;
    };
    const links = [];
    if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
    if (page > 1) links.push(link(1, 'first'), link(page - 1, 'prev'));
    if (links.length) res.setHeader('link', links.join(', '));
    return items.slice((page - 1) * perPage, page * perPage);
  }

  private findRepo(req: Request, res: Response): FakeRepo | undefined {
    const repo = this.repo(`${req.params.owner}/${req.params.repo}`);
    if (!repo) this.error(res, 404, 'Not Found');
    return repo;
  }

  private routes(app: express.Express): void {
    const r = (handler: (req: Request, res: Response, repo: FakeRepo) => void) => (req: Request, res: Response) => {
      const repo = this.findRepo(req, res);
      if (repo) handler(req, res, repo);
    };

    app.get('/rate_limit', (_req, res) => {
      const core = { limit: this.rateLimit.limit, remaining: this.rateLimit.remaining, reset: this.rateLimit.resetAt, used: this.rateLimit.limit - this.rateLimit.remaining };
      res.json({ resources: { core, search: { limit: 30, remaining: 30, reset: this.rateLimit.resetAt, used: 0 } }, rate: core });
    });

    app.get('/orgs/:org/repos', (req, res) => {
      const repos = [...this.repos.values()].filter(x => x.owner.toLowerCase() === String(req.params.org).toLowerCase());
      if (!repos.length && !this.orgMembers.has(String(req.params.org))) return this.error(res, 404, 'Not Found');
      res.json(this.page(req, res, repos).map(x => this.repoJson(x, false)));
    });

    app.post('/orgs/:org/repos', (req, res) => {
      const org = String(req.params.org);
      const name = String(req.body?.name ?? '');
      if (!name) return this.error(res, 422, 'Validation Failed', [{ resource: 'Repository', code: 'missing_field', field: 'name' }]);
      if (this.repo(`${org}/${name}`)) {
        return this.error(res, 422, 'Repository creation failed.', [{ resource: 'Repository', code: 'custom', field: 'name', message: 'name already exists on this account' }]);
      }
      const repo = this.addRepo(org, name, {
        description: req.body.description ?? null,
        visibility: req.body.visibility ?? (req.body.private ? 'private' : 'public'),
      });
      res.status(201).json(this.repoJson(repo, true));
    });

    app.get('/repos/:owner/:repo', r((_req, res, repo) => res.json(this.repoJson(repo, true))));

    app.put('/repos/:owner/:repo/topics', r((req, res, repo) => {
      repo.topics = (req.body?.names ?? []) as string[];
      res.json({ names: repo.topics });
    }));

    app.put('/orgs/:org/teams/:slug/repos/:owner/:repo', r((req, res, repo) => {
      if (!this.teams.some(t => t.slug === req.params.slug && t.org === req.params.org)) return this.error(res, 404, 'Not Found');
      repo.teamPermissions[String(req.params.slug)] = String(req.body?.permission ?? 'push');
      res.status(204).end();
    }));

    app.get('/repos/:owner/:repo/contents/{*path}', r((req, res, repo) => {
      const path = ([] as string[]).concat((req.params as { path?: string[] }).path ?? []).join('/');
      const ref = String(req.query.ref ?? repo.defaultBranch);
      const commitSha = repo.branches.get(ref) ?? (this.commits.has(ref) ? ref : undefined);
      if (!commitSha) return this.error(res, 404, `No commit found for the ref ${ref}`);
      const entry = this.trees.get(this.commits.get(commitSha)!.tree)!.find(e => e.path === path);
      if (!entry) return this.error(res, 404, 'Not Found');
      const etag = `"${entry.sha}"`;
      res.setHeader('etag', etag);
      if (req.header('if-none-match') === etag) return void res.status(304).end();
      const content = this.blobs.get(entry.sha)!;
      if (/application\/vnd\.github(\.v3)?\.raw/.test(req.header('accept') ?? '')) {
        res.setHeader('content-type', 'application/vnd.github.raw; charset=utf-8');
        return void res.send(content);
      }
      const url = `${this.baseUrl}/repos/${repo.owner}/${repo.name}/contents/${path}?ref=${ref}`;
      const html = `https://github.com/${repo.owner}/${repo.name}/blob/${ref}/${path}`;
      const git = `${this.baseUrl}/repos/${repo.owner}/${repo.name}/git/blobs/${entry.sha}`;
      res.json({
        type: 'file', encoding: 'base64', size: content.length, name: path.split('/').pop(), path, content: content.toString('base64'),
        sha: entry.sha, url, git_url: git, html_url: html, download_url: `https://raw.githubusercontent.com/${repo.owner}/${repo.name}/${ref}/${path}`,
        _links: { self: url, git, html },
      });
    }));

    app.get('/repos/:owner/:repo/git/trees/:sha', r((req, res, repo) => {
      const ref = String(req.params.sha);
      const commitSha = repo.branches.get(ref) ?? (this.commits.has(ref) ? ref : undefined);
      const treeSha = commitSha ? this.commits.get(commitSha)!.tree : this.trees.has(ref) ? ref : undefined;
      if (!treeSha) return this.error(res, 404, 'Not Found');
      const base = `${this.baseUrl}/repos/${repo.owner}/${repo.name}`;
      res.json({
        sha: treeSha, url: `${base}/git/trees/${treeSha}`, truncated: false,
        tree: this.trees.get(treeSha)!.map(e => ({ ...e, size: this.blobs.get(e.sha)!.length, url: `${base}/git/blobs/${e.sha}` })),
      });
    }));

    app.get('/repos/:owner/:repo/git/blobs/:sha', r((req, res, repo) => {
      const blob = this.blobs.get(String(req.params.sha));
      if (!blob) return this.error(res, 404, 'Not Found');
      res.json({ sha: req.params.sha, node_id: `B_${req.params.sha}`, size: blob.length, url: `${this.baseUrl}/repos/${repo.owner}/${repo.name}/git/blobs/${req.params.sha}`, content: blob.toString('base64'), encoding: 'base64' });
    }));

    app.post('/repos/:owner/:repo/git/blobs', r((req, res, repo) => {
      const content = Buffer.from(String(req.body?.content ?? ''), req.body?.encoding === 'base64' ? 'base64' : 'utf8');
      const sha = this.putBlob(content);
      res.status(201).json({ sha, url: `${this.baseUrl}/repos/${repo.owner}/${repo.name}/git/blobs/${sha}` });
    }));

    app.post('/repos/:owner/:repo/git/trees', r((req, res, repo) => {
      const base = req.body?.base_tree ? this.trees.get(String(req.body.base_tree)) : [];
      if (!base) return this.error(res, 422, 'base_tree is not a valid tree');
      const entries = new Map(base.map(e => [e.path, e]));
      for (const item of (req.body?.tree ?? []) as Array<{ path: string; mode: string; sha?: string | null; content?: string }>) {
        if (item.sha === null) entries.delete(item.path);
        else {
          const sha = item.content !== undefined ? this.putBlob(Buffer.from(item.content)) : String(item.sha);
          if (!this.blobs.has(sha)) return this.error(res, 422, `tree.sha ${sha} is not a valid blob`);
          entries.set(item.path, { path: item.path, mode: item.mode ?? '100644', type: 'blob', sha });
        }
      }
      const sha = this.putTree([...entries.values()]);
      const url = `${this.baseUrl}/repos/${repo.owner}/${repo.name}/git/trees/${sha}`;
      res.status(201).json({ sha, url, truncated: false, tree: this.trees.get(sha)!.map(e => ({ ...e, size: this.blobs.get(e.sha)!.length, url: `${this.baseUrl}/repos/${repo.owner}/${repo.name}/git/blobs/${e.sha}` })) });
    }));

    app.post('/repos/:owner/:repo/git/commits', r((req, res, repo) => {
      const tree = String(req.body?.tree ?? '');
      if (!this.trees.has(tree)) return this.error(res, 422, 'Tree SHA does not exist');
      const sha = this.putCommit({ tree, parents: req.body?.parents ?? [], message: String(req.body?.message ?? '') });
      res.status(201).json(this.gitCommitJson(repo, this.commits.get(sha)!));
    }));

    app.get('/repos/:owner/:repo/git/commits/:sha', r((req, res, repo) => {
      const commit = this.commits.get(String(req.params.sha));
      if (!commit) return this.error(res, 404, 'Not Found');
      res.json(this.gitCommitJson(repo, commit));
    }));

    const refJson = (repo: FakeRepo, branch: string) => ({
      ref: `refs/heads/${branch}`, node_id: `REF_${branch}`, url: `${this.baseUrl}/repos/${repo.owner}/${repo.name}/git/refs/heads/${branch}`,
      object: { type: 'commit', sha: repo.branches.get(branch)!, url: `${this.baseUrl}/repos/${repo.owner}/${repo.name}/git/commits/${repo.branches.get(branch)}` },
    });
    // Octokit sends `heads%2Fmain`; git clients send `heads/main`.
    const branchParam = (req: Request) => ([] as string[]).concat((req.params as { ref?: string[] }).ref ?? []).join('/').replace(/^heads\//, '');
    app.get('/repos/:owner/:repo/git/ref/{*ref}', r((req, res, repo) => {
      const branch = branchParam(req);
      if (!repo.branches.has(branch)) return this.error(res, 404, 'Not Found');
      res.json(refJson(repo, branch));
    }));
    app.post('/repos/:owner/:repo/git/refs', r((req, res, repo) => {
      const ref = String(req.body?.ref ?? '');
      const branch = ref.replace(/^refs\/heads\//, '');
      if (repo.branches.has(branch)) return this.error(res, 422, 'Reference already exists');
      if (!this.commits.has(String(req.body?.sha))) return this.error(res, 422, 'Object does not exist');
      repo.branches.set(branch, String(req.body.sha));
      res.status(201).json(refJson(repo, branch));
    }));
    app.patch('/repos/:owner/:repo/git/refs/{*ref}', r((req, res, repo) => {
      const branch = branchParam(req);
      if (!repo.branches.has(branch)) return this.error(res, 422, 'Reference does not exist');
      repo.branches.set(branch, String(req.body?.sha));
      res.json(refJson(repo, branch));
    }));

    app.get('/repos/:owner/:repo/branches/:branch/protection', r((req, res, repo) => {
      const p = repo.protection.get(String(req.params.branch));
      if (!p) return this.error(res, 404, 'Branch not protected');
      const url = `${this.baseUrl}/repos/${repo.owner}/${repo.name}/branches/${req.params.branch}/protection`;
      res.json({
        url,
        ...(p.requiredReviews !== undefined ? { required_pull_request_reviews: { url: `${url}/required_pull_request_reviews`, dismiss_stale_reviews: false, require_code_owner_reviews: false, required_approving_review_count: p.requiredReviews } } : {}),
        ...(p.statusChecks ? { required_status_checks: { url: `${url}/required_status_checks`, strict: true, contexts: p.statusChecks, checks: p.statusChecks.map(c => ({ context: c, app_id: null })), contexts_url: `${url}/required_status_checks/contexts` } } : {}),
        enforce_admins: { url: `${url}/enforce_admins`, enabled: Boolean(p.enforceAdmins) },
      });
    }));

    app.get('/repos/:owner/:repo/languages', r((_req, res, repo) => res.json(repo.languages)));

    app.get('/repos/:owner/:repo/commits', r((req, res, repo) => {
      const head = repo.branches.get(String(req.query.sha ?? repo.defaultBranch));
      if (!head) return this.error(res, 409, 'Git Repository is empty.');
      const list: FakeCommit[] = [];
      for (let c = this.commits.get(head); c; c = this.commits.get(c.parents[0])) list.push(c);
      res.json(this.page(req, res, list).map(c => this.commitJson(repo, c)));
    }));

    app.get('/repos/:owner/:repo/pulls', r((req, res, repo) => {
      const state = String(req.query.state ?? 'open');
      // GitHub's default is `created` (newest first); `sort=updated` orders by the last change.
      const key = req.query.sort === 'updated' ? (p: FakePull) => Date.parse(this.pullUpdatedAt(p)) : (p: FakePull) => p.number;
      const sign = req.query.direction === 'asc' ? 1 : -1;
      const pulls = repo.pulls.filter(p => state === 'all' || p.state === state).sort((a, b) => sign * (key(a) - key(b)) || sign * (a.number - b.number));
      res.json(this.page(req, res, pulls).map(p => this.pullJson(repo, p)));
    }));
    app.get('/repos/:owner/:repo/pulls/:number', r((req, res, repo) => {
      const pull = repo.pulls.find(p => p.number === Number(req.params.number));
      if (!pull) return this.error(res, 404, 'Not Found');
      res.json(this.fullPullJson(repo, pull));
    }));
    app.post('/repos/:owner/:repo/pulls', r((req, res, repo) => {
      const { title, head, base, body, draft } = req.body ?? {};
      if (!title || !head || !base) return this.error(res, 422, 'Validation Failed', [{ resource: 'PullRequest', code: 'missing_field', field: !title ? 'title' : !head ? 'head' : 'base' }]);
      if (!repo.branches.has(head)) return this.error(res, 422, 'Validation Failed', [{ resource: 'PullRequest', code: 'invalid', field: 'head' }]);
      if (repo.pulls.some(p => p.state === 'open' && p.head === head && p.base === base)) {
        return this.error(res, 422, 'Validation Failed', [{ resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${repo.owner}:${head}.` }]);
      }
      const pull = this.addPull(repo, { title, head, base, body: body ?? null, draft: Boolean(draft) });
      res.status(201).json(this.fullPullJson(repo, pull));
    }));
    app.get('/repos/:owner/:repo/pulls/:number/commits', r((req, res, repo) => {
      const pull = repo.pulls.find(p => p.number === Number(req.params.number));
      if (!pull) return this.error(res, 404, 'Not Found');
      const head = repo.branches.get(repo.defaultBranch);
      const commit: FakeCommit = {
        sha: sha1(`pull ${repo.id} ${pull.number}`), tree: head ? this.commits.get(head)!.tree : sha1('empty tree'), parents: head ? [head] : [],
        message: pull.title, date: pull.firstCommitAt ?? pull.createdAt, author: pull.user,
      };
      res.json(this.page(req, res, [commit]).map(c => this.commitJson(repo, c)));
    }));
    app.get('/repos/:owner/:repo/pulls/:number/reviews', r((req, res, repo) => {
      const pull = repo.pulls.find(p => p.number === Number(req.params.number));
      if (!pull) return this.error(res, 404, 'Not Found');
      res.json(this.page(req, res, pull.reviews.map((rv, i) => ({ ...rv, i }))).map(({ i, ...rv }) => ({
        id: i + 1, node_id: `PRR_${i + 1}`, user: this.userJson(rv.user), body: '', state: rv.state, commit_id: repo.branches.get(repo.defaultBranch) ?? '0'.repeat(40),
        html_url: `https://github.com/${repo.owner}/${repo.name}/pull/${pull.number}#pullrequestreview-${i + 1}`,
        pull_request_url: `${this.baseUrl}/repos/${repo.owner}/${repo.name}/pulls/${pull.number}`,
        _links: { html: { href: `https://github.com/${repo.owner}/${repo.name}/pull/${pull.number}` }, pull_request: { href: `${this.baseUrl}/repos/${repo.owner}/${repo.name}/pulls/${pull.number}` } },
        author_association: 'MEMBER', submitted_at: rv.submittedAt ?? new Date().toISOString(),
      })));
    }));

    app.get('/repos/:owner/:repo/deployments', r((req, res, repo) => {
      const filters = (['sha', 'ref', 'environment'] as const).filter(f => req.query[f] !== undefined);
      const list = repo.deployments.filter(d => filters.every(f => d[f] === String(req.query[f]))).sort((a, b) => b.id - a.id);
      res.json(this.page(req, res, list).map(d => this.deploymentJson(repo, d)));
    }));
    app.get('/repos/:owner/:repo/deployments/:id/statuses', r((req, res, repo) => {
      const deployment = repo.deployments.find(d => d.id === Number(req.params.id));
      if (!deployment) return this.error(res, 404, 'Not Found');
      res.json(this.page(req, res, [...deployment.statuses].reverse()).map(s => this.deploymentStatusJson(repo, deployment, s)));
    }));

    app.get('/repos/:owner/:repo/actions/workflows/:workflow/runs', r((req, res, repo) => {
      const workflow = String(req.params.workflow);
      const runs = repo.workflowRuns.filter(run => run.path.split('/').pop() === workflow || String(this.workflowId(run.path)) === workflow);
      // A workflow exists when its file is on the default branch or it has runs.
      if (!runs.length && !(`.github/workflows/${workflow}` in this.filesOf(repo))) return this.error(res, 404, 'Not Found');
      const { branch, status } = req.query;
      // `created=>=2024-01-01` (GitHub's search syntax); only the `>=` form is understood here.
      const created = /^>=(.+)$/.exec(String(req.query.created ?? ''))?.[1];
      const matching = runs
        .filter(run => branch === undefined || run.headBranch === String(branch))
        .filter(run => status === undefined || run.status === status || run.conclusion === status)
        .filter(run => !created || Date.parse(run.createdAt) >= Date.parse(created))
        .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt) || b.id - a.id);
      res.json({ total_count: matching.length, workflow_runs: this.page(req, res, matching).map(run => this.workflowRunJson(repo, run)) });
    }));

    app.get('/repos/:owner/:repo/dependabot/alerts', r((req, res, repo) => {
      const state = req.query.state ? String(req.query.state).split(',') : undefined;
      const alerts = repo.dependabotAlerts.map((a, i) => ({ ...a, number: i + 1 })).filter(a => !state || state.includes(a.state));
      res.json(this.page(req, res, alerts).map(a => this.alertJson(repo, a)));
    }));

    app.post('/repos/:owner/:repo/actions/workflows/:workflow/dispatches', r((req, res, repo) => {
      if (!req.body?.ref) return this.error(res, 422, 'Invalid request.\n\n"ref" wasn\'t supplied.');
      if (!repo.branches.has(String(req.body.ref))) return this.error(res, 422, `No ref found for: ${req.body.ref}`);
      repo.dispatches.push({ workflowId: String(req.params.workflow), ref: String(req.body.ref), inputs: req.body.inputs });
      res.status(204).end();
    }));

    app.get('/orgs/:org/teams', (req, res) => {
      res.json(this.page(req, res, this.teams.filter(t => t.org === req.params.org)).map(t => this.teamJson(t)));
    });
    app.get('/orgs/:org/teams/:slug/members', (req, res) => {
      const team = this.teams.find(t => t.org === req.params.org && t.slug === req.params.slug);
      if (!team) return this.error(res, 404, 'Not Found');
      res.json(this.page(req, res, team.members).map(m => this.userJson(m)));
    });
    app.get('/orgs/:org/members', (req, res) => {
      const members = this.orgMembers.get(String(req.params.org));
      if (!members) return this.error(res, 404, 'Not Found');
      res.json(this.page(req, res, members).map(m => this.userJson(m)));
    });
  }

  // ---------------------------------------------------------------- shapes

  userJson(login: string): Json {
    const api = `${this.baseUrl}/users/${login}`;
    return {
      login, id: Number.parseInt(sha1(login).slice(0, 7), 16), node_id: `U_${login}`, avatar_url: `https://avatars.githubusercontent.com/u/${login}`, gravatar_id: '',
      url: api, html_url: `https://github.com/${login}`, followers_url: `${api}/followers`, following_url: `${api}/following{/other_user}`,
      gists_url: `${api}/gists{/gist_id}`, starred_url: `${api}/starred{/owner}{/repo}`, subscriptions_url: `${api}/subscriptions`,
      organizations_url: `${api}/orgs`, repos_url: `${api}/repos`, events_url: `${api}/events{/privacy}`, received_events_url: `${api}/received_events`,
      type: 'User', site_admin: false,
    };
  }

  repoJson(repo: FakeRepo, full: boolean): Json {
    const api = `${this.baseUrl}/repos/${repo.owner}/${repo.name}`;
    const html = `https://github.com/${repo.owner}/${repo.name}`;
    const head = repo.branches.get(repo.defaultBranch);
    const pushedAt = head ? this.commits.get(head)!.date : repo.createdAt;
    const minimal: Json = {
      id: repo.id, node_id: `R_${repo.id}`, name: repo.name, full_name: `${repo.owner}/${repo.name}`,
      owner: { ...this.userJson(repo.owner), type: 'Organization' }, private: repo.visibility !== 'public', visibility: repo.visibility,
      html_url: html, description: repo.description, fork: repo.fork, url: api, archived: repo.archived, disabled: false, topics: repo.topics,
      default_branch: repo.defaultBranch, pushed_at: pushedAt, created_at: repo.createdAt, updated_at: pushedAt,
      archive_url: `${api}/{archive_format}{/ref}`, assignees_url: `${api}/assignees{/user}`, blobs_url: `${api}/git/blobs{/sha}`,
      branches_url: `${api}/branches{/branch}`, collaborators_url: `${api}/collaborators{/collaborator}`, comments_url: `${api}/comments{/number}`,
      commits_url: `${api}/commits{/sha}`, compare_url: `${api}/compare/{base}...{head}`, contents_url: `${api}/contents/{+path}`,
      contributors_url: `${api}/contributors`, deployments_url: `${api}/deployments`, downloads_url: `${api}/downloads`, events_url: `${api}/events`,
      forks_url: `${api}/forks`, git_commits_url: `${api}/git/commits{/sha}`, git_refs_url: `${api}/git/refs{/sha}`, git_tags_url: `${api}/git/tags{/sha}`,
      hooks_url: `${api}/hooks`, issue_comment_url: `${api}/issues/comments{/number}`, issue_events_url: `${api}/issues/events{/number}`,
      issues_url: `${api}/issues{/number}`, keys_url: `${api}/keys{/key_id}`, labels_url: `${api}/labels{/name}`, languages_url: `${api}/languages`,
      merges_url: `${api}/merges`, milestones_url: `${api}/milestones{/number}`, notifications_url: `${api}/notifications{?since,all,participating}`,
      pulls_url: `${api}/pulls{/number}`, releases_url: `${api}/releases{/id}`, stargazers_url: `${api}/stargazers`, statuses_url: `${api}/statuses/{sha}`,
      subscribers_url: `${api}/subscribers`, subscription_url: `${api}/subscription`, tags_url: `${api}/tags`, teams_url: `${api}/teams`,
      trees_url: `${api}/git/trees{/sha}`, git_url: `git://github.com/${repo.owner}/${repo.name}.git`, ssh_url: `git@github.com:${repo.owner}/${repo.name}.git`,
      clone_url: `${html}.git`, language: Object.keys(repo.languages)[0] ?? null,
    };
    if (!full) return minimal;
    return {
      ...minimal, svn_url: html, homepage: null, mirror_url: null, forks: 0, forks_count: 0, stargazers_count: 0, watchers: 0, watchers_count: 0,
      size: 1, open_issues: 0, open_issues_count: 0, has_issues: true, has_projects: true, has_wiki: true, has_pages: false, has_discussions: false,
      has_downloads: true, license: null, network_count: 0, subscribers_count: 0,
    };
  }

  private gitCommitJson(repo: FakeRepo, c: FakeCommit): Json {
    const api = `${this.baseUrl}/repos/${repo.owner}/${repo.name}`;
    const person = { name: c.author, email: `${c.author}@users.noreply.github.com`, date: c.date };
    return {
      sha: c.sha, node_id: `C_${c.sha}`, url: `${api}/git/commits/${c.sha}`, html_url: `https://github.com/${repo.owner}/${repo.name}/commit/${c.sha}`,
      author: person, committer: person, message: c.message, tree: { sha: c.tree, url: `${api}/git/trees/${c.tree}` },
      parents: c.parents.map(p => ({ sha: p, url: `${api}/git/commits/${p}`, html_url: `https://github.com/${repo.owner}/${repo.name}/commit/${p}` })),
      verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
    };
  }

  private commitJson(repo: FakeRepo, c: FakeCommit): Json {
    const api = `${this.baseUrl}/repos/${repo.owner}/${repo.name}`;
    const person = { name: c.author, email: `${c.author}@users.noreply.github.com`, date: c.date };
    return {
      url: `${api}/commits/${c.sha}`, sha: c.sha, node_id: `C_${c.sha}`, html_url: `https://github.com/${repo.owner}/${repo.name}/commit/${c.sha}`,
      comments_url: `${api}/commits/${c.sha}/comments`,
      commit: { url: `${api}/git/commits/${c.sha}`, author: person, committer: person, message: c.message, comment_count: 0, tree: { sha: c.tree, url: `${api}/git/trees/${c.tree}` } },
      author: this.userJson(c.author), committer: this.userJson(c.author),
      parents: c.parents.map(p => ({ sha: p, url: `${api}/commits/${p}`, html_url: `https://github.com/${repo.owner}/${repo.name}/commit/${p}` })),
    };
  }

  private pullJson(repo: FakeRepo, p: FakePull): Json {
    const api = `${this.baseUrl}/repos/${repo.owner}/${repo.name}`;
    const html = `https://github.com/${repo.owner}/${repo.name}/pull/${p.number}`;
    const ref = (branch: string) => ({ label: `${repo.owner}:${branch}`, ref: branch, sha: repo.branches.get(branch) ?? '0'.repeat(40), user: this.userJson(repo.owner), repo: this.repoJson(repo, true) });
    return {
      url: `${api}/pulls/${p.number}`, id: repo.id * 1000 + p.number, node_id: `PR_${p.number}`, html_url: html, diff_url: `${html}.diff`, patch_url: `${html}.patch`,
      issue_url: `${api}/issues/${p.number}`, commits_url: `${api}/pulls/${p.number}/commits`, review_comments_url: `${api}/pulls/${p.number}/comments`,
      review_comment_url: `${api}/pulls/comments{/number}`, comments_url: `${api}/issues/${p.number}/comments`, statuses_url: `${api}/statuses/${ref(p.head).sha}`,
      number: p.number, state: p.state, locked: false, title: p.title, user: this.userJson(p.user), body: p.body, labels: [], milestone: null,
      active_lock_reason: null, created_at: p.createdAt, updated_at: this.pullUpdatedAt(p), closed_at: p.closedAt, merged_at: p.mergedAt,
      merge_commit_sha: null, assignee: null, assignees: [], requested_reviewers: [], requested_teams: [], head: ref(p.head), base: ref(p.base),
      _links: {
        self: { href: `${api}/pulls/${p.number}` }, html: { href: html }, issue: { href: `${api}/issues/${p.number}` }, comments: { href: `${api}/issues/${p.number}/comments` },
        review_comments: { href: `${api}/pulls/${p.number}/comments` }, review_comment: { href: `${api}/pulls/comments{/number}` },
        commits: { href: `${api}/pulls/${p.number}/commits` }, statuses: { href: `${api}/statuses/${ref(p.head).sha}` },
      },
      author_association: 'MEMBER', auto_merge: null, draft: p.draft,
    };
  }

  private pullUpdatedAt(p: FakePull): string {
    return p.updatedAt ?? p.closedAt ?? p.createdAt;
  }

  /** The single pull request (`GET /pulls/{n}`, `POST /pulls`): the list's shape plus merge state and size. */
  private fullPullJson(repo: FakeRepo, p: FakePull): Json {
    return {
      ...this.pullJson(repo, p), merged: p.mergedAt !== null, mergeable: null, mergeable_state: 'unknown', merged_by: p.mergedAt ? this.userJson(repo.owner) : null,
      comments: 0, review_comments: 0, maintainer_can_modify: false, commits: 1, additions: p.additions, deletions: p.deletions, changed_files: p.additions + p.deletions > 0 ? 1 : 0,
    };
  }

  private deploymentJson(repo: FakeRepo, d: FakeDeployment): Json {
    const api = `${this.baseUrl}/repos/${repo.owner}/${repo.name}`;
    const updatedAt = d.statuses.at(-1)?.createdAt ?? d.createdAt;
    return {
      url: `${api}/deployments/${d.id}`, id: d.id, node_id: `DE_${d.id}`, sha: d.sha, ref: d.ref, task: 'deploy', payload: {}, original_environment: d.environment,
      environment: d.environment, description: null, creator: this.userJson(d.creator), created_at: d.createdAt, updated_at: updatedAt,
      statuses_url: `${api}/deployments/${d.id}/statuses`, repository_url: api, transient_environment: false, production_environment: d.environment === 'production',
    };
  }

  private deploymentStatusJson(repo: FakeRepo, d: FakeDeployment, s: FakeDeployment['statuses'][number]): Json {
    const api = `${this.baseUrl}/repos/${repo.owner}/${repo.name}`;
    return {
      url: `${api}/deployments/${d.id}/statuses/${s.id}`, id: s.id, node_id: `DES_${s.id}`, state: s.state, creator: this.userJson(d.creator), description: '',
      environment: d.environment, target_url: `https://ci.example.com/deploys/${d.id}`, log_url: `https://ci.example.com/deploys/${d.id}/log`,
      environment_url: `https://${d.environment}.example.com`, created_at: s.createdAt, updated_at: s.createdAt,
      deployment_url: `${api}/deployments/${d.id}`, repository_url: api,
    };
  }

  /** A stable numeric id per workflow file. */
  private workflowId(path: string): number {
    return Number.parseInt(sha1(path).slice(0, 7), 16);
  }

  private workflowRunJson(repo: FakeRepo, run: FakeWorkflowRun): Json {
    const api = `${this.baseUrl}/repos/${repo.owner}/${repo.name}`;
    const commit = this.commits.get(run.headSha);
    const person = { name: commit?.author ?? 'octocat', email: `${commit?.author ?? 'octocat'}@users.noreply.github.com` };
    const minimal = this.repoJson(repo, false);
    return {
      id: run.id, name: run.name, node_id: `WFR_${run.id}`, check_suite_id: run.id, check_suite_node_id: `CS_${run.id}`, head_branch: run.headBranch, head_sha: run.headSha,
      path: run.path, run_number: run.runNumber, run_attempt: 1, display_title: run.name, event: run.event, status: run.status, conclusion: run.conclusion,
      workflow_id: this.workflowId(run.path), url: `${api}/actions/runs/${run.id}`, html_url: `https://github.com/${repo.owner}/${repo.name}/actions/runs/${run.id}`,
      pull_requests: [], created_at: run.createdAt, updated_at: run.updatedAt, run_started_at: run.createdAt, actor: this.userJson('octocat'), triggering_actor: this.userJson('octocat'),
      jobs_url: `${api}/actions/runs/${run.id}/jobs`, logs_url: `${api}/actions/runs/${run.id}/logs`, check_suite_url: `${api}/check-suites/${run.id}`,
      artifacts_url: `${api}/actions/runs/${run.id}/artifacts`, cancel_url: `${api}/actions/runs/${run.id}/cancel`, rerun_url: `${api}/actions/runs/${run.id}/rerun`,
      previous_attempt_url: null, workflow_url: `${api}/actions/workflows/${this.workflowId(run.path)}`,
      head_commit: commit ? { id: commit.sha, tree_id: commit.tree, message: commit.message, timestamp: commit.date, author: person, committer: person } : null,
      repository: minimal, head_repository: minimal,
    };
  }

  private teamJson(t: FakeTeam): Json {
    const api = `${this.baseUrl}/orgs/${t.org}/teams/${t.slug}`;
    const base = { id: t.id, node_id: `T_${t.id}`, url: api, html_url: `https://github.com/orgs/${t.org}/teams/${t.slug}`, name: t.name, slug: t.slug, description: t.description, privacy: 'closed', notification_setting: 'notifications_enabled', permission: 'pull', members_url: `${api}/members{/member}`, repositories_url: `${api}/repos`, type: 'organization' as const };
    const parent = t.parent ? this.teams.find(x => x.org === t.org && x.slug === t.parent) : undefined;
    return { ...base, parent: parent ? { ...this.teamJson({ ...parent, parent: undefined }), parent: undefined } : null };
  }

  private alertJson(repo: FakeRepo, a: FakeRepo['dependabotAlerts'][number] & { number: number }): Json {
    const api = `${this.baseUrl}/repos/${repo.owner}/${repo.name}/dependabot/alerts/${a.number}`;
    const pkg = { ecosystem: 'npm', name: 'lodash' };
    const vuln = { package: pkg, severity: a.severity, vulnerable_version_range: '< 4.17.21', first_patched_version: { identifier: '4.17.21' } };
    return {
      number: a.number, state: a.state, url: api, html_url: `https://github.com/${repo.owner}/${repo.name}/security/dependabot/${a.number}`,
      dependency: { package: pkg, manifest_path: 'package-lock.json', scope: 'runtime' },
      security_advisory: {
        ghsa_id: 'GHSA-35jh-r3h4-6jhm', cve_id: 'CVE-2021-23337', summary: 'Command injection in lodash', description: 'lodash before 4.17.21 is vulnerable.',
        vulnerabilities: [vuln], severity: a.severity, cvss: { vector_string: null, score: 7.2 }, cwes: [], identifiers: [{ type: 'GHSA', value: 'GHSA-35jh-r3h4-6jhm' }],
        references: [{ url: 'https://nvd.nist.gov/vuln/detail/CVE-2021-23337' }], published_at: '2021-05-06T16:05:51Z', updated_at: '2021-05-06T16:05:51Z', withdrawn_at: null,
      },
      security_vulnerability: vuln, created_at: '2024-01-01T00:00:00Z', updated_at: '2024-01-01T00:00:00Z',
      dismissed_at: null, dismissed_by: null, dismissed_reason: null, dismissed_comment: null, fixed_at: null, auto_dismissed_at: null,
    };
  }
}
