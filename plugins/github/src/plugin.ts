import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  NavItemBlueprint,
  PageBlueprint,
} from '@portico/frontend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@portico/plugin-catalog-common';
import { EntityCardBlueprint, EntityTabBlueprint } from '@portico/plugin-catalog-react';
import { ANNOTATION_GITHUB_PROJECT_SLUG } from '@portico/plugin-github-common';
import { githubApiRef } from './api/GithubApi';
import { GithubClient } from './api/GithubClient';

/** The GitHub plugin: a repository card and a Pull requests tab on annotated entities, and an import page. */
export const githubPlugin = createFrontendPlugin({
  id: 'github',
  extensions: [
    ApiBlueprint({
      api: githubApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) => new GithubClient({ discoveryApi, fetchApi }),
    }),
    EntityCardBlueprint({
      name: 'repository',
      title: 'GitHub',
      size: 'medium',
      filter: { [`metadata.annotations.${ANNOTATION_GITHUB_PROJECT_SLUG}`]: CATALOG_FILTER_EXISTS },
      loader: () => import('./components/GithubRepositoryCard'),
    }),
    EntityTabBlueprint({
      path: 'pull-requests',
      title: 'Pull requests',
      filter: { [`metadata.annotations.${ANNOTATION_GITHUB_PROJECT_SLUG}`]: CATALOG_FILTER_EXISTS },
      loader: () => import('./components/GithubPullRequestsTab'),
    }),
    PageBlueprint({ path: '/github/import', title: 'Import from GitHub', loader: () => import('./components/GithubImportPage') }),
    NavItemBlueprint({ title: 'GitHub import', path: '/github/import' }),
  ],
});
