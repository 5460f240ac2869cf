import { createApiRef } from '@portico/frontend-plugin-api';
import type { CatalogApi } from '@portico/plugin-catalog-common';

/** The catalog, as the browser sees it: `useApi(catalogApiRef)` in any plugin. */
export const catalogApiRef = createApiRef<CatalogApi>({ id: 'plugin.catalog.service' });
