import { coreServices, createServiceFactory, createServiceRef, type ServiceFactory, type ServiceRef } from '@portico/backend-plugin-api';
import { CatalogClient, type CatalogApi } from '@portico/plugin-catalog-common';

/**
 * The catalog for other backend plugins: a `CatalogApi` (Backstage's catalog-client methods plus
 * history, search and errors). Root-scoped; by default a `CatalogClient` that finds the catalog
 * through `coreServices.discovery` and asks for uncompressed answers. Replace it with `backend.add(createServiceFactory(...))` in tests.
 */
export const catalogServiceRef: ServiceRef<CatalogApi, 'root'> = createServiceRef<CatalogApi>({
  id: 'catalog.client',
  scope: 'root',
  defaultFactory: (): ServiceFactory<CatalogApi, 'root'> =>
    createServiceFactory({
      service: catalogServiceRef,
      deps: { discovery: coreServices.discovery },
      // plugins read the catalog over loopback or the instances' network: uncompressed (see acceptEncoding)
      factory: ({ discovery }) => new CatalogClient({ discoveryApi: discovery, acceptEncoding: 'identity' }),
    }),
});
