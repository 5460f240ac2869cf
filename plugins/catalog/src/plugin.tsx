import { createSvgIcon } from '@mui/material/utils';
import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  HeaderSearchBlueprint,
  HomeCardBlueprint,
  NavItemBlueprint,
  PageBlueprint,
} from '@portico/frontend-plugin-api';
import { catalogApiRef, EntityCardBlueprint, EntityTabBlueprint } from '@portico/plugin-catalog-react';
import { CatalogClient } from '@portico/plugin-catalog-common';

const CatalogIcon = createSvgIcon(
  <path d="M4 6H2v14c0 1.1.9 2 2 2h14v-2H4zm16-4H8c-1.1 0-2 .9-2 2v12c0 1.1.9 2 2 2h12c1.1 0 2-.9 2-2V4c0-1.1-.9-2-2-2m-1 9H9V9h10zm-4 4H9v-2h6zm4-8H9V5h10z" />,
  'Catalog',
);

/** The catalog's frontend: its api, pages, nav item, header search, the home card, and the entity page's tabs and cards. */
export const catalogPlugin = createFrontendPlugin({
  id: 'catalog',
  extensions: [
    ApiBlueprint({
      api: catalogApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) => new CatalogClient({ discoveryApi, fetchApi }),
    }),
    PageBlueprint({
      path: '/catalog',
      title: 'Catalog',
      loader: () => import('./components/CatalogPage/CatalogPage').then(m => m.CatalogPage),
    }),
    PageBlueprint({
      name: 'entity',
      path: '/catalog/:namespace/:kind/:name',
      title: 'Entity',
      loader: () => import('./components/EntityPage/EntityPage'),
    }),
    PageBlueprint({
      name: 'register',
      path: '/catalog-import',
      title: 'Register',
      loader: () => import('./components/RegisterPage/RegisterPage'),
    }),
    PageBlueprint({
      name: 'errors',
      path: '/catalog-errors',
      title: 'Catalog errors',
      loader: () => import('./components/ErrorsPage/ErrorsPage'),
    }),
    NavItemBlueprint({ title: 'Catalog', path: '/catalog', icon: CatalogIcon }),
    HeaderSearchBlueprint({ loader: () => import('./components/SearchBox/SearchBox') }),
    HomeCardBlueprint({
      name: 'my-components',
      title: 'My components',
      order: 10,
      loader: () => import('./components/home/MyComponentsCard'),
    }),

    EntityTabBlueprint({ path: '', title: 'Overview', loader: () => import('./components/tabs/OverviewTab') }),
    EntityTabBlueprint({
      path: 'apis',
      title: 'APIs',
      filter: { kind: 'Component' },
      loader: () => import('./components/tabs/ApisTab'),
    }),
    EntityTabBlueprint({
      path: 'definition',
      title: 'Definition',
      filter: { kind: 'API' },
      loader: () => import('./components/tabs/ApiDefinitionTab'),
    }),
    EntityTabBlueprint({
      path: 'dependencies',
      title: 'Dependencies',
      filter: { kind: ['Component', 'Resource', 'System'] },
      loader: () => import('./components/tabs/DependenciesTab'),
    }),
    EntityTabBlueprint({ path: 'history', title: 'History', loader: () => import('./components/tabs/HistoryTab') }),

    EntityCardBlueprint({
      name: 'about',
      title: 'About',
      size: 'medium',
      filter: entity => !['group', 'user'].includes(entity.kind.toLocaleLowerCase('en-US')),
      loader: () => import('./components/cards/AboutCard'),
    }),
    EntityCardBlueprint({
      name: 'user-profile',
      title: 'Profile',
      size: 'medium',
      filter: { kind: 'User' },
      loader: () => import('./components/cards/GroupCards').then(m => m.UserProfileCard),
    }),
    EntityCardBlueprint({
      name: 'group-profile',
      title: 'Group',
      size: 'medium',
      filter: { kind: 'Group' },
      loader: () => import('./components/cards/GroupCards').then(m => m.GroupHierarchyCard),
    }),
    EntityCardBlueprint({
      name: 'relations',
      title: 'Relations',
      size: 'medium',
      loader: () => import('./components/cards/RelationsCard'),
    }),
    EntityCardBlueprint({
      name: 'group-members',
      title: 'Members',
      size: 'medium',
      filter: { kind: 'Group' },
      loader: () => import('./components/cards/GroupCards').then(m => m.GroupMembersCard),
    }),
    EntityCardBlueprint({
      name: 'ownership',
      title: 'Ownership',
      size: 'medium',
      filter: { kind: ['Group', 'User'] },
      loader: () => import('./components/cards/OwnershipCard'),
    }),
  ],
});

export default catalogPlugin;
