import { createSvgIcon } from '@mui/material/utils';
import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  HomeCardBlueprint,
  NavItemBlueprint,
  PageBlueprint,
} from '@portico/frontend-plugin-api';
import { scaffolderApiRef } from './api/ScaffolderApi';
import { ScaffolderClient } from './api/ScaffolderClient';

const CreateIcon = createSvgIcon(
  <path d="M13 7h-2v4H7v2h4v4h2v-4h4v-2h-4zm-1-5C6.48 2 2 6.48 2 12s4.48 10 10 10 10-4.48 10-10S17.52 2 12 2m0 18c-4.41 0-8-3.59-8-8s3.59-8 8-8 8 3.59 8 8-3.59 8-8 8" />,
  'Create',
);

/** The scaffolder's frontend: its api, the gallery, wizard, run, inbox and history pages, the nav item, and the home cards of what waits for the user and their recent runs. */
export const scaffolderPlugin = createFrontendPlugin({
  id: 'scaffolder',
  extensions: [
    ApiBlueprint({
      api: scaffolderApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) => new ScaffolderClient({ discoveryApi, fetchApi }),
    }),
    PageBlueprint({
      path: '/create',
      title: 'Create',
      loader: () => import('./components/TemplateGallery/TemplateGalleryPage'),
    }),
    PageBlueprint({
      name: 'wizard',
      path: '/create/templates/:namespace/:name',
      title: 'Create from template',
      loader: () => import('./components/Wizard/WizardPage'),
    }),
    PageBlueprint({
      name: 'task',
      path: '/create/tasks/:taskId',
      title: 'Run',
      loader: () => import('./components/TaskPage/TaskPage'),
    }),
    PageBlueprint({
      name: 'tasks',
      path: '/create/tasks',
      title: 'Run history',
      loader: () => import('./components/TaskList/TaskListPage'),
    }),
    PageBlueprint({
      name: 'inbox',
      path: '/create/inbox',
      title: 'Inbox',
      loader: () => import('./components/Inbox/InboxPage'),
    }),
    NavItemBlueprint({ title: 'Create', path: '/create', icon: CreateIcon }),
    HomeCardBlueprint({
      name: 'waiting-for-me',
      title: 'Waiting for me',
      order: 30,
      loader: () => import('./components/home/WaitingForMeCard'),
    }),
    HomeCardBlueprint({
      name: 'my-recent-runs',
      title: 'My recent runs',
      order: 40,
      loader: () => import('./components/home/MyRecentRunsCard'),
    }),
  ],
});

export default scaffolderPlugin;
