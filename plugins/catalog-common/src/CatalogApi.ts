import type { Entity } from '@portico/catalog-model';
import type {
  AddLocationRequest,
  AddLocationResponse,
  CatalogRequestOptions,
  EntityRefLike,
  GetEntitiesByRefsRequest,
  GetEntitiesByRefsResponse,
  GetEntitiesRequest,
  GetEntitiesResponse,
  GetEntityAncestorsRequest,
  GetEntityAncestorsResponse,
  GetEntityErrorsRequest,
  GetEntityErrorsResponse,
  GetEntityFacetsRequest,
  GetEntityFacetsResponse,
  GetEntityHistoryRequest,
  GetEntityHistoryResponse,
  GetLocationsResponse,
  Location,
  QueryEntitiesRequest,
  QueryEntitiesResponse,
  SearchEntitiesRequest,
  SearchEntitiesResponse,
  ValidateEntityResponse,
} from './types';

/**
 * The catalog, as any client sees it: the browser (through `catalogApiRef`), other backend plugins
 * (through `catalogServiceRef`) and scripts. Method names and shapes are those of @backstage/catalog-client.
 */
export interface CatalogApi {
  /** `GET /entities`: all matching entities (use `limit`/`offset` or `queryEntities` for large catalogs). */
  getEntities(request?: GetEntitiesRequest, options?: CatalogRequestOptions): Promise<GetEntitiesResponse>;
  /** `POST /entities/by-refs`: entities in the order of the refs, null where missing. */
  getEntitiesByRefs(request: GetEntitiesByRefsRequest, options?: CatalogRequestOptions): Promise<GetEntitiesByRefsResponse>;
  /** `GET /entities/by-query`: one page, with the total and cursors. */
  queryEntities(request?: QueryEntitiesRequest, options?: CatalogRequestOptions): Promise<QueryEntitiesResponse>;
  /** `GET /entities/by-name/:kind/:namespace/:name/ancestry`: the entity and the Locations that led to it. */
  getEntityAncestors(request: GetEntityAncestorsRequest, options?: CatalogRequestOptions): Promise<GetEntityAncestorsResponse>;
  /** `GET /entities/by-name/:kind/:namespace/:name`; undefined when it does not exist. */
  getEntityByRef(entityRef: EntityRefLike, options?: CatalogRequestOptions): Promise<Entity | undefined>;
  /** `DELETE /entities/by-uid/:uid` (it comes back on the next refresh if its source still emits it). */
  removeEntityByUid(uid: string, options?: CatalogRequestOptions): Promise<void>;
  /** `POST /refresh`: re-read the entity's source now. */
  refreshEntity(entityRef: string, options?: CatalogRequestOptions): Promise<void>;
  /** `GET /entity-facets`: the distinct values of fields with counts. */
  getEntityFacets(request: GetEntityFacetsRequest, options?: CatalogRequestOptions): Promise<GetEntityFacetsResponse>;
  /** `GET /locations` */
  getLocations(request?: Record<string, never>, options?: CatalogRequestOptions): Promise<GetLocationsResponse>;
  /** `GET /locations/:id`; undefined when it does not exist. */
  getLocationById(id: string, options?: CatalogRequestOptions): Promise<Location | undefined>;
  /** The registered location whose `type:target` equals `locationRef`, or undefined. */
  getLocationByRef(locationRef: string, options?: CatalogRequestOptions): Promise<Location | undefined>;
  /**
   * `GET /locations/by-entity/:kind/:namespace/:name`: the location that emitted the entity, or undefined.
   * Optional so that existing fakes keep compiling; `CatalogClient` implements it.
   */
  getLocationByEntity?(entityRef: EntityRefLike, options?: CatalogRequestOptions): Promise<Location | undefined>;
  /** `POST /locations` (with `?dryRun=true` on dry runs). */
  addLocation(location: AddLocationRequest, options?: CatalogRequestOptions): Promise<AddLocationResponse>;
  /** `DELETE /locations/:id` */
  removeLocationById(id: string, options?: CatalogRequestOptions): Promise<void>;
  /** `POST /validate-entity`: validates without storing; `locationRef` is `type:target` of where it came from. */
  validateEntity(entity: Entity, locationRef: string, options?: CatalogRequestOptions): Promise<ValidateEntityResponse>;

  /** `GET /entities/by-name/:kind/:namespace/:name/history`: recorded changes, newest first. */
  getEntityHistory(entityRef: EntityRefLike, request?: GetEntityHistoryRequest, options?: CatalogRequestOptions): Promise<GetEntityHistoryResponse>;
  /** `GET /search?term=`: full-text search ranked by relevance. */
  searchEntities(request: SearchEntitiesRequest, options?: CatalogRequestOptions): Promise<SearchEntitiesResponse>;
  /** `GET /entities/errors`: entities and files that could not be ingested. */
  getEntityErrors(request?: GetEntityErrorsRequest, options?: CatalogRequestOptions): Promise<GetEntityErrorsResponse>;
}
