/**
 * @portico/plugin-catalog: the catalog's web UI. Install `catalogPlugin` (the default export) in the app;
 * other plugins call the catalog through `useApi(catalogApiRef)` (from `@portico/plugin-catalog-react`) and link
 * to entities with `EntityRefLink`.
 */
export { catalogPlugin, catalogPlugin as default } from './plugin';
export { EntityRefLink, type EntityRefLinkProps } from './components/shared/EntityRefLink';
// Pages, tabs and cards are not exported: they reach the app only through the plugin's lazy extensions,
// so that each stays in its own chunk.
export {
  parseFilterState,
  toSearchParams,
  toEntityFilter,
  type CatalogFilterState,
} from './filters/catalogFilterState';
