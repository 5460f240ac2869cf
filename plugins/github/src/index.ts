/**
 * @portico/plugin-github: the GitHub web UI. Install `githubPlugin` (the default export) in the app; its card
 * and tab show only on entities annotated `github.com/project-slug`.
 */
export { githubPlugin, githubPlugin as default } from './plugin';
export { githubApiRef, type GithubApi } from './api/GithubApi';
export { GithubClient } from './api/GithubClient';
