import { createApiRef } from '@portico/frontend-plugin-api';
import type { CatalogApi } from '@portico/plugin-catalog-common';

/**
 * The catalog's browser API, which the catalog plugin provides. Plugins may not import each other, and
 * api refs resolve by id, so this ref shares the id of the catalog plugin's `catalogApiRef`.
 */
export const catalogApiRef = createApiRef<CatalogApi>({ id: 'plugin.catalog.service' });
