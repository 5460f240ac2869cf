import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  NavItemBlueprint,
  PageBlueprint,
} from '@portico/frontend-plugin-api';
import { EntityCardBlueprint } from '@portico/plugin-catalog-react';
import { exampleApiRef } from './api/ExampleApi';
import { ExampleClient } from './api/ExampleClient';

/** The example plugin: its api, a page at /example with a nav item, and a card on Component pages. */
export const examplePlugin = createFrontendPlugin({
  id: 'example',
  extensions: [
    ApiBlueprint({
      api: exampleApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) => new ExampleClient({ discoveryApi, fetchApi }),
    }),
    PageBlueprint({ path: '/example', title: 'Example', loader: () => import('./components/ExamplePage') }),
    NavItemBlueprint({ title: 'Example', path: '/example' }),
    EntityCardBlueprint({
      name: 'things',
      title: 'Example',
      size: 'small',
      filter: { kind: 'Component' },
      loader: () => import('./components/ExampleEntityCard'),
    }),
  ],
});
