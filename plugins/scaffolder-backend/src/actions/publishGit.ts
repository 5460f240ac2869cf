import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';
import { createTemplateAction } from '../extensions';
import { checkGitRemote, type CheckedGitRemote } from '../service/checkGitRemote';
import { assertRealPathInside, resolveSafeChildPath } from '../service/resolveSafeChildPath';

const run = promisify(execFile);

/**
 * `-c` options of every git call: no remote helpers, no redirects to hosts that were not checked,
 * and for http(s) the connection pinned to the address the check resolved.
 */
function gitConfigArgs(remote: CheckedGitRemote): string[] {
  const args = ['-c', 'protocol.ext.allow=never', '-c', 'protocol.fd.allow=never', '-c', 'http.followRedirects=false'];
  if (remote.pinned && (remote.transport === 'http' || remote.transport === 'https')) {
    const { host, port, address } = remote.pinned;
    args.push('-c', `http.curloptResolve=${host.includes(':') ? `[${host}]` : host}:${port}:${address.includes(':') ? `[${address}]` : address}`);
  }
  return args;
}

export function createPublishGitAction(options: { allowedRemotes: string[]; defaultAuthor?: { name: string; email: string } }) {
  return createTemplateAction({
    id: 'publish:git',
    description: 'Commits the workspace (or a directory of it) and pushes it to a git remote with the git CLI.',
    supportsDryRun: false,
    schema: {
      input: z.object({
        remoteUrl: z.string().min(1).describe('e.g. https://git.example.com/acme/svc.git or file:///srv/git/svc.git'),
        branch: z.string().regex(/^[\w./-]+$/).default('main'),
        sourcePath: z.string().default('.'),
        commitMessage: z.string().default('Initial commit'),
        gitAuthorName: z.string().optional(),
        gitAuthorEmail: z.string().optional(),
        token: z.string().optional().describe('Sent as HTTP basic auth (x-access-token); pass a secret'),
        createLocalRemote: z
          .boolean()
          .default(false)
          .describe('For a file:// remote that does not exist: create it as a repository whose working tree follows pushes, so its files can be read (e.g. by the catalog)'),
      }),
      output: z.object({ remoteUrl: z.string(), commitHash: z.string(), branch: z.string(), repoContentsUrl: z.string().optional() }),
    },
    async handler(ctx) {
      const { remoteUrl, branch, commitMessage, token } = ctx.input;
      const remote = await checkGitRemote(remoteUrl, options.allowedRemotes);
      const cwd = resolveSafeChildPath(ctx.workspacePath, ctx.input.sourcePath);
      await assertRealPathInside(ctx.workspacePath, cwd);
      const name = ctx.input.gitAuthorName ?? options.defaultAuthor?.name ?? 'Portico Scaffolder';
      const email = ctx.input.gitAuthorEmail ?? options.defaultAuthor?.email ?? 'scaffolder@portico.local';
      const env: NodeJS.ProcessEnv = {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        GIT_TERMINAL_PROMPT: '0',
        GIT_ALLOW_PROTOCOL: remote.transport,
        GIT_AUTHOR_NAME: name,
        GIT_AUTHOR_EMAIL: email,
        GIT_COMMITTER_NAME: name,
        GIT_COMMITTER_EMAIL: email,
        GIT_CONFIG_NOSYSTEM: '1',
      };
      if (remote.transport === 'ssh' && remote.pinned) {
        // ssh resolves the host itself: connect to the checked address, keep the host's known_hosts entry.
        env.GIT_SSH_COMMAND = `ssh -o HostName=${remote.pinned.address} -o HostKeyAlias=${remote.pinned.host}`;
      }
      if (token) {
        // Passed through the environment, not argv, so it does not show in process listings.
        env.GIT_CONFIG_COUNT = '1';
        env.GIT_CONFIG_KEY_0 = 'http.extraHeader';
        env.GIT_CONFIG_VALUE_0 = `Authorization: Basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`;
      }
      const git = async (...args: string[]) => {
        try {
          const { stdout } = await run('git', [...gitConfigArgs(remote), ...args], { cwd, env, signal: ctx.signal, maxBuffer: 10 * 1024 * 1024 });
          return stdout.trim();
        } catch (e) {
          const err = e as { stderr?: string; message: string };
          throw new Error(`git ${args[0]} failed: ${(err.stderr || err.message).trim()}`, { cause: e });
        }
      };
      let repoContentsUrl: string | undefined;
      if (remote.localPath) {
        const remoteDir = remote.localPath;
        if (ctx.input.createLocalRemote && !fs.existsSync(remoteDir)) {
          fs.mkdirSync(remoteDir, { recursive: true });
          await run('git', ['init', '--quiet', `--initial-branch=${branch}`, remoteDir], { env });
          // Pushes update the remote's working tree, so the pushed files can be read from disk.
          await run('git', ['-C', remoteDir, 'config', 'receive.denyCurrentBranch', 'updateInstead'], { env });
          ctx.logger.info(`Created the local repository ${remoteDir}`);
        }
        if (fs.existsSync(`${remoteDir}/.git`)) repoContentsUrl = remote.url.replace(/\/?$/, '');
      }
      const commitHash = await ctx.checkpoint('commit', async () => {
        // A `.git` written by the template (config with core.fsmonitor, hooks, url.insteadOf) would run
        // commands or redirect the push: always commit from a repository of our own.
        fs.rmSync(path.join(cwd, '.git'), { recursive: true, force: true });
        await git('init', '--quiet', `--initial-branch=${branch}`);
        await git('add', '--all');
        await git('commit', '--quiet', '--allow-empty', '-m', commitMessage);
        return git('rev-parse', 'HEAD');
      });
      await ctx.checkpoint('push', async () => {
        await git('push', '--quiet', '--', remote.url, `HEAD:refs/heads/${branch}`);
      });
      ctx.logger.info(`Pushed ${commitHash.slice(0, 12)} to ${remoteUrl} (${branch})`);
      ctx.output('remoteUrl', remoteUrl);
      ctx.output('commitHash', commitHash);
      ctx.output('branch', branch);
      if (repoContentsUrl) ctx.output('repoContentsUrl', repoContentsUrl);
    },
  });
}
