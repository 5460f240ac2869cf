import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { ConflictError, InputError } from '@portico/errors';
import { createTemplateAction, type TemplateAction } from '@portico/plugin-scaffolder-node';
import type { GithubClient, GithubClients } from '../integration/GithubClients';
import { toPorticoError } from '../integration/githubErrors';

/** Backstage's `repoUrl` form: `github.com?owner=acme&repo=svc`. */
export function parseRepoUrl(repoUrl: string): { host: string; owner: string; repo: string } {
  let url: URL;
  try {
    url = new URL(`https://${repoUrl.replace(/^https?:\/\//, '')}`);
  } catch {
    throw new InputError(`Invalid repoUrl '${repoUrl}': expected host?owner=<org>&repo=<name>`);
  }
  const owner = url.searchParams.get('owner');
  const repo = url.searchParams.get('repo');
  if (!owner || !repo) throw new InputError(`Invalid repoUrl '${repoUrl}': both owner and repo are required (host?owner=<org>&repo=<name>)`);
  return { host: url.host, owner, repo };
}

const repoUrlSchema = z.string().min(1).describe('host?owner=<org>&repo=<name>');

/** Files under `dir` (relative paths with `/`), skipping .git. */
async function listFiles(dir: string): Promise<Array<{ path: string; absolute: string; executable: boolean }>> {
  const out: Array<{ path: string; absolute: string; executable: boolean }> = [];
  const walk = async (current: string) => {
    for (const entry of await fs.readdir(current, { withFileTypes: true })) {
      if (entry.name === '.git') continue;
      const absolute = path.join(current, entry.name);
      if (entry.isDirectory()) await walk(absolute);
      else if (entry.isFile()) {
        const stat = await fs.stat(absolute);
        out.push({ path: path.relative(dir, absolute).split(path.sep).join('/'), absolute, executable: (stat.mode & 0o111) !== 0 });
      }
    }
  };
  await walk(dir);
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

function safeChild(root: string, child = '.'): string {
  const resolved = path.resolve(root, child);
  if (resolved !== root && !resolved.startsWith(root + path.sep)) throw new InputError(`Path '${child}' leaves the workspace`);
  return resolved;
}

/** Uploads the files as blobs and returns a tree sha (on top of `baseTree` when given). */
async function createTree(client: GithubClient, target: { owner: string; repo: string }, dir: string, options: { baseTree?: string; targetPath?: string }) {
  const files = await listFiles(dir);
  if (!files.length) throw new InputError(`There are no files to commit in ${path.basename(dir)}`);
  const prefix = options.targetPath ? `${options.targetPath.replace(/^\/+|\/+$/g, '')}/` : '';
  const tree = [];
  for (const file of files) {
    const { data } = await client.rest.git.createBlob({ ...target, content: (await fs.readFile(file.absolute)).toString('base64'), encoding: 'base64' });
    tree.push({ path: `${prefix}${file.path}`, mode: (file.executable ? '100755' : '100644') as '100755' | '100644', type: 'blob' as const, sha: data.sha });
  }
  const { data } = await client.rest.git.createTree({ ...target, tree, ...(options.baseTree ? { base_tree: options.baseTree } : {}) });
  return { sha: data.sha, files: files.length };
}

export function createPublishGithubAction(clients: GithubClients): TemplateAction {
  return createTemplateAction({
    id: 'publish:github',
    description: 'Creates a GitHub repository in an organisation and pushes the workspace to its default branch.',
    examples: [{ description: 'Publish a new service', example: 'action: publish:github\ninput:\n  repoUrl: github.com?owner=acme&repo=payments\n  description: Payments service\n  topics: [node]\n  access: [{ team: platform, permission: admin }]' }],
    supportsDryRun: true,
    resumable: true,
    schema: {
      input: z.object({
        repoUrl: repoUrlSchema,
        description: z.string().optional(),
        defaultBranch: z.string().min(1).default('main'),
        repoVisibility: z.enum(['private', 'public', 'internal']).default('private'),
        topics: z.array(z.string().regex(/^[a-z0-9][a-z0-9-]{0,49}$/, 'topics are lower-case letters, digits and dashes')).default([]),
        access: z.array(z.object({ team: z.string().min(1), permission: z.enum(['pull', 'triage', 'push', 'maintain', 'admin']).default('push') })).default([]),
        sourcePath: z.string().optional(),
        gitCommitMessage: z.string().default('Initial commit'),
      }),
      output: z.object({ remoteUrl: z.string(), repoContentsUrl: z.string(), commitHash: z.string().optional() }),
    },
    async handler(ctx) {
      const { host, owner, repo } = parseRepoUrl(ctx.input.repoUrl);
      const branch = ctx.input.defaultBranch;
      if (ctx.isDryRun) {
        const remoteUrl = `https://${host}/${owner}/${repo}`;
        ctx.logger.info(`Dry run: would create ${owner}/${repo} on ${host} and push the workspace to ${branch}`);
        ctx.output('remoteUrl', remoteUrl);
        ctx.output('repoContentsUrl', `${remoteUrl}/blob/${branch}`);
        return;
      }
      const client = clients.forHost(host);
      const target = { owner, repo };
      const created = await ctx.checkpoint(`publish:github:create:${owner}/${repo}`, async () => {
        try {
          await client.rest.repos.get(target);
          throw new ConflictError(`The repository ${owner}/${repo} already exists on ${host}; choose another name`);
        } catch (error) {
          if ((error as { status?: number }).status !== 404) throw toPorticoError(error, `${owner}/${repo}`);
        }
        try {
          const { data } = await client.rest.repos.createInOrg({ org: owner, name: repo, description: ctx.input.description, visibility: ctx.input.repoVisibility as 'public', private: ctx.input.repoVisibility !== 'public' });
          ctx.logger.info(`Created ${data.html_url}`);
          return { htmlUrl: data.html_url };
        } catch (error) {
          const status = (error as { status?: number }).status;
          if (status === 422) throw new ConflictError(`GitHub refused to create ${owner}/${repo}: ${(error as Error).message}`);
          throw toPorticoError(error, `${owner}/${repo}`);
        }
      });
      const commitHash = await ctx.checkpoint(`publish:github:push:${owner}/${repo}`, async () => {
        const tree = await createTree(client, target, safeChild(ctx.workspacePath, ctx.input.sourcePath), {});
        const { data: commit } = await client.rest.git.createCommit({ ...target, message: ctx.input.gitCommitMessage, tree: tree.sha, parents: [] });
        await client.rest.git.createRef({ ...target, ref: `refs/heads/${branch}`, sha: commit.sha });
        ctx.logger.info(`Pushed ${tree.files} files to ${branch} (${commit.sha.slice(0, 7)})`);
        return commit.sha;
      });
      if (ctx.input.topics.length) await client.rest.repos.replaceAllTopics({ ...target, names: ctx.input.topics });
      for (const { team, permission } of ctx.input.access) {
        try {
          await client.rest.teams.addOrUpdateRepoPermissionsInOrg({ org: owner, team_slug: team, owner, repo, permission });
        } catch (error) {
          throw toPorticoError(error, `team ${team} of ${owner}`);
        }
      }
      ctx.output('remoteUrl', created.htmlUrl);
      ctx.output('repoContentsUrl', `${created.htmlUrl}/blob/${branch}`);
      ctx.output('commitHash', commitHash);
    },
  });
}

export function createGithubPullRequestAction(clients: GithubClients): TemplateAction {
  return createTemplateAction({
    id: 'github:pull-request',
    description: 'Commits the workspace to a new branch of an existing repository and opens a pull request.',
    supportsDryRun: true,
    schema: {
      input: z.object({
        repoUrl: repoUrlSchema,
        branchName: z.string().min(1),
        title: z.string().min(1),
        description: z.string().default(''),
        targetBranchName: z.string().optional(),
        sourcePath: z.string().optional(),
        targetPath: z.string().optional(),
        commitMessage: z.string().optional(),
        draft: z.boolean().default(false),
      }),
      output: z.object({ remoteUrl: z.string(), pullRequestNumber: z.number(), targetBranchName: z.string() }),
    },
    async handler(ctx) {
      const { host, owner, repo } = parseRepoUrl(ctx.input.repoUrl);
      const target = { owner, repo };
      if (ctx.isDryRun) {
        ctx.logger.info(`Dry run: would open a pull request from ${ctx.input.branchName} in ${owner}/${repo}`);
        ctx.output('remoteUrl', `https://${host}/${owner}/${repo}/pulls`);
        ctx.output('pullRequestNumber', 0);
        ctx.output('targetBranchName', ctx.input.targetBranchName ?? 'main');
        return;
      }
      const client = clients.forHost(host);
      const result = await ctx.checkpoint(`github:pull-request:${owner}/${repo}:${ctx.input.branchName}`, async () => {
        try {
          const base = ctx.input.targetBranchName ?? (await client.rest.repos.get(target)).data.default_branch;
          const { data: ref } = await client.rest.git.getRef({ ...target, ref: `heads/${base}` });
          const { data: parent } = await client.rest.git.getCommit({ ...target, commit_sha: ref.object.sha });
          const tree = await createTree(client, target, safeChild(ctx.workspacePath, ctx.input.sourcePath), { baseTree: parent.tree.sha, targetPath: ctx.input.targetPath });
          const { data: commit } = await client.rest.git.createCommit({ ...target, message: ctx.input.commitMessage ?? ctx.input.title, tree: tree.sha, parents: [ref.object.sha] });
          try {
            await client.rest.git.createRef({ ...target, ref: `refs/heads/${ctx.input.branchName}`, sha: commit.sha });
          } catch (error) {
            if ((error as { status?: number }).status !== 422) throw error;
            await client.rest.git.updateRef({ ...target, ref: `heads/${ctx.input.branchName}`, sha: commit.sha, force: true });
          }
          const { data: pull } = await client.rest.pulls.create({ ...target, title: ctx.input.title, body: ctx.input.description, head: ctx.input.branchName, base, draft: ctx.input.draft });
          ctx.logger.info(`Opened ${pull.html_url}`);
          return { url: pull.html_url, number: pull.number, base };
        } catch (error) {
          throw toPorticoError(error, `${owner}/${repo}`);
        }
      });
      ctx.output('remoteUrl', result.url);
      ctx.output('pullRequestNumber', result.number);
      ctx.output('targetBranchName', result.base);
    },
  });
}

export function createGithubActionsDispatchAction(clients: GithubClients): TemplateAction {
  return createTemplateAction({
    id: 'github:actions:dispatch',
    description: 'Runs a GitHub Actions workflow that has a workflow_dispatch trigger.',
    schema: {
      input: z.object({
        repoUrl: repoUrlSchema,
        workflowId: z.string().min(1).describe('the workflow file name (deploy.yml) or its id'),
        branchOrTagName: z.string().min(1),
        workflowInputs: z.record(z.string(), z.string()).optional(),
      }),
    },
    async handler(ctx) {
      const { host, owner, repo } = parseRepoUrl(ctx.input.repoUrl);
      try {
        await clients.forHost(host).rest.actions.createWorkflowDispatch({ owner, repo, workflow_id: ctx.input.workflowId, ref: ctx.input.branchOrTagName, inputs: ctx.input.workflowInputs });
      } catch (error) {
        throw toPorticoError(error, `workflow ${ctx.input.workflowId} of ${owner}/${repo}`);
      }
      ctx.logger.info(`Dispatched ${ctx.input.workflowId} on ${owner}/${repo}@${ctx.input.branchOrTagName}`);
    },
  });
}
