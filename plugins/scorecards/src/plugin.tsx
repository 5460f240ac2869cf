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
import { EntityTabBlueprint } from '@portico/plugin-catalog-react';
import { scorecardsApiRef } from './api/ScorecardsApi';
import { ScorecardsClient } from './api/ScorecardsClient';

const ScorecardsIcon = createSvgIcon(
  <path d="M19 3H5c-1.1 0-2 .9-2 2v14c0 1.1.9 2 2 2h14c1.1 0 2-.9 2-2V5c0-1.1-.9-2-2-2M9 17H7v-7h2zm4 0h-2V7h2zm4 0h-2v-4h2z" />,
  'Scorecards',
);

/** The kinds scorecards usually measure; the tab says so when none applies to an entity. */
export const SCORED_KINDS = ['Component', 'API', 'Resource', 'System'];

/** The scorecards frontend: its api, the `/scorecards` pages, a nav item, the entity tab and the home cards (my levels and failing rules, my initiatives). */
export const scorecardsPlugin = createFrontendPlugin({
  id: 'scorecards',
  extensions: [
    ApiBlueprint({
      api: scorecardsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) => new ScorecardsClient({ discoveryApi, fetchApi }),
    }),
    PageBlueprint({
      path: '/scorecards',
      title: 'Scorecards',
      loader: () => import('./components/ScorecardsRoot'),
    }),
    NavItemBlueprint({ title: 'Scorecards', path: '/scorecards', icon: ScorecardsIcon }),
    HomeCardBlueprint({
      name: 'my-scorecards',
      title: 'My scorecards',
      order: 20,
      loader: () => import('./components/home/MyScorecardsCard'),
    }),
    HomeCardBlueprint({
      name: 'my-initiatives',
      title: 'Initiatives that concern me',
      order: 50,
      loader: () => import('./components/home/MyInitiativesCard'),
    }),
    EntityTabBlueprint({
      path: 'scorecards',
      title: 'Scorecards',
      filter: { kind: SCORED_KINDS },
      loader: () => import('./components/EntityScorecardsTab/EntityScorecardsTab'),
    }),
  ],
});

export default scorecardsPlugin;
