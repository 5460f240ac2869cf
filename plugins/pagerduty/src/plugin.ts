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
import { PAGERDUTY_SERVICE_ANNOTATIONS } from '@portico/plugin-pagerduty-common';
import { pagerdutyApiRef } from './api/PagerDutyApi';
import { PagerDutyClient } from './api/PagerDutyClient';

/** Entities annotated `pagerduty.com/service-id` or `pagerduty.com/integration-key` (a list of filters means any). */
const annotated = PAGERDUTY_SERVICE_ANNOTATIONS.map(annotation => ({ [`metadata.annotations.${annotation}`]: CATALOG_FILTER_EXISTS }));

/** The PagerDuty plugin: an "On call" card and an "Incidents" tab on annotated entities, and the services page. */
export const pagerdutyPlugin = createFrontendPlugin({
  id: 'pagerduty',
  extensions: [
    ApiBlueprint({
      api: pagerdutyApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) => new PagerDutyClient({ discoveryApi, fetchApi }),
    }),
    EntityCardBlueprint({ name: 'on-call', title: 'On call', size: 'medium', filter: annotated, loader: () => import('./components/OnCallCard') }),
    EntityTabBlueprint({ path: 'incidents', title: 'Incidents', filter: annotated, loader: () => import('./components/IncidentsTab') }),
    PageBlueprint({ path: '/pagerduty', title: 'PagerDuty services', loader: () => import('./components/ServicesPage') }),
    NavItemBlueprint({ title: 'PagerDuty', path: '/pagerduty' }),
  ],
});
