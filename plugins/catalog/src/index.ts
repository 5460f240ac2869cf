/**
 * @portico/plugin-catalog: the catalog's web UI. Install `catalogPlugin` (the default export) in the app;
 * other plugins call the catalog through `useApi(catalogApiRef)` and link to entities with `EntityRefLink`.
 */
export { catalogPlugin, catalogPlugin as default } from './plugin';
export { catalogApiRef } from './apis';
export { EntityRefLink, type EntityRefLinkProps } from './components/shared/EntityRefLink';
export { entityRoute as entityRouteFor, humanizeEntityRef } from './components/shared/entityRoutes';
export { CatalogPage } from './components/CatalogPage/CatalogPage';
export { EntityPage, EntityLayout } from './components/EntityPage/EntityPage';
export { RegisterPage } from './components/RegisterPage/RegisterPage';
export { SearchBox } from './components/SearchBox/SearchBox';
export {
  parseFilterState,
  toSearchParams,
  toEntityFilter,
  type CatalogFilterState,
} from './filters/catalogFilterState';
