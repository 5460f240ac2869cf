import { createExtensionPoint } from '@portico/backend-plugin-api';
import type { CatalogKindsExtensionPoint } from './kinds';
import type { CatalogProcessorsExtensionPoint } from './processors';
import type { CatalogProvidersExtensionPoint } from './providers';

export const catalogKindsExtensionPoint = createExtensionPoint<CatalogKindsExtensionPoint>({ id: 'catalog.kinds' });
export const catalogProvidersExtensionPoint = createExtensionPoint<CatalogProvidersExtensionPoint>({ id: 'catalog.providers' });
export const catalogProcessorsExtensionPoint = createExtensionPoint<CatalogProcessorsExtensionPoint>({ id: 'catalog.processors' });
