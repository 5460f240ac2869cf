import { Box, Tab, Tabs } from '@mui/material';
import { stringifyEntityRef, type Entity } from '@portico/catalog-model';
import { useApi, useExtensions } from '@portico/frontend-plugin-api';
import { catalogApiRef, EntityProvider, entityRoute, useEntityTabs } from '@portico/plugin-catalog-react';
import { Suspense, useRef } from 'react';
import { Link as RouterLink, Route, Routes, useLocation, useParams } from 'react-router';
import { useAsync } from '@portico/core-components';
import { ErrorPanel, Progress } from '@portico/core-components';
import { EntityErrorsAlert } from './EntityErrorsAlert';
import { EntityHeader } from './EntityHeader';
import { EntityNotFound } from './EntityNotFound';
import { UnregisterEntityButton } from './UnregisterEntityButton';
import { preloadEntityCode } from './preloadEntityCode';

/** The frame of an entity page: header, processing errors, and the tabs that apply to this entity. */
export function EntityLayout({ entity }: { entity: Entity }) {
  const tabs = useEntityTabs(entity);
  const { pathname } = useLocation();
  const base = entityRoute(entity);
  const rest = decodeURIComponent(pathname).slice(decodeURIComponent(base).length).replace(/^\/+|\/+$/g, '');
  const current = tabs.find(tab => tab.data.path === rest) ?? tabs.find(tab => rest.startsWith(`${tab.data.path}/`));
  return (
    <Box sx={{ p: 3 }}>
      <Box sx={{ display: 'flex', justifyContent: 'space-between', alignItems: 'flex-start', gap: 2 }}>
        <EntityHeader entity={entity} />
        <UnregisterEntityButton entity={entity} />
      </Box>
      <EntityErrorsAlert entity={entity} />
      <Tabs value={current?.id ?? false} aria-label="Entity tabs" variant="scrollable" sx={{ mb: 2 }}>
        {tabs.map(tab => (
          <Tab
            key={tab.id}
            value={tab.id}
            label={tab.data.title}
            component={RouterLink}
            to={tab.data.path ? `${base}/${tab.data.path}` : base}
          />
        ))}
      </Tabs>
      <Suspense fallback={<Progress label="Loading tab" />}>
        <Routes>
          {tabs.map(tab => (
            <Route key={tab.id} path={tab.data.path ? `${tab.data.path}/*` : ''} element={<tab.data.Component />} />
          ))}
          <Route path="*" element={<ErrorPanel title="No such tab" error={new Error(`This entity has no tab '${rest}'.`)} />} />
        </Routes>
      </Suspense>
    </Box>
  );
}

/** `/catalog/:namespace/:kind/:name`: loads the entity and shows it, or a 404 when the catalog has none. */
export function EntityPage() {
  const { namespace = 'default', kind = '', name = '' } = useParams();
  const catalogApi = useApi(catalogApiRef);
  const entityRef = `${kind}:${namespace}/${name}`;
  const tabPath = (useParams()['*'] ?? '').replace(/^\/+|\/+$/g, '');
  const tabs = useExtensions('entity-tab');
  const cards = useExtensions('entity-card');
  // The code of what the page will show loads while the entity is fetched, and the entity shows once both are
  // there. (Another tab opened later loads its code then.)
  const preload = useRef({ kind, namespace, name, tabPath, tabs, cards });
  preload.current = { kind, namespace, name, tabPath, tabs, cards };
  const { loading, error, value: entity, retry } = useAsync(async () => {
    const code = preloadEntityCode(preload.current);
    const found = await catalogApi.getEntityByRef(entityRef);
    await code;
    return found;
  }, [catalogApi, entityRef]);
  if (error) return <Box sx={{ p: 3 }}><ErrorPanel title={`Could not load ${entityRef}`} error={error} onRetry={retry} /></Box>;
  // While the next entity loads, the previous one must not show under the new URL.
  if (!entity || (loading && stringifyEntityRef(entity) !== entityRef.toLocaleLowerCase('en-US'))) {
    return loading ? <Progress label="Loading entity" /> : <EntityNotFound entityRef={entityRef} />;
  }
  return (
    <EntityProvider entity={entity} refresh={retry}>
      <EntityLayout entity={entity} />
    </EntityProvider>
  );
}

export default EntityPage;
