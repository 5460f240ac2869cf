export * from './types';
export * from './CatalogApi';
export * from './CatalogClient';
export * from './entityFilter';
export * from './queryParams';
export * from './permissions';
