import { ApiBlueprint, createFrontendPlugin, discoveryApiRef, fetchApiRef, NavItemBlueprint, PageBlueprint } from '@portico/frontend-plugin-api';
import { EntityTabBlueprint } from '@portico/plugin-catalog-react';
import { insightsApiRef } from './api/InsightsApi';
import { InsightsClient } from './api/InsightsClient';

/** Components, and the entities whose numbers roll up over components: teams, systems and domains. */
const withInsights = { kind: ['Component', 'Group', 'System', 'Domain'] };

/** The insights plugin: an "Insights" tab on components, teams, systems and domains, and the team comparison at /insights. */
export const insightsPlugin = createFrontendPlugin({
  id: 'insights',
  extensions: [
    ApiBlueprint({
      api: insightsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) => new InsightsClient({ discoveryApi, fetchApi }),
    }),
    EntityTabBlueprint({ path: 'insights', title: 'Insights', filter: withInsights, loader: () => import('./components/InsightsTab') }),
    PageBlueprint({ path: '/insights', title: 'Insights', loader: () => import('./components/ComparisonPage') }),
    NavItemBlueprint({ title: 'Insights', path: '/insights' }),
  ],
});
