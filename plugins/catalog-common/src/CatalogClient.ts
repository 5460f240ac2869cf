import { parseEntityRef, stringifyEntityRef, type Entity } from '@portico/catalog-model';
import { ResponseError } from '@portico/errors';
import type { CatalogApi } from './CatalogApi';
import {
  CATALOG_FILTER_EXISTS,
  type AddLocationRequest,
  type AddLocationResponse,
  type CatalogRequestOptions,
  type EntityFilterQuery,
  type EntityRefLike,
  type GetEntitiesByRefsRequest,
  type GetEntitiesByRefsResponse,
  type GetEntitiesRequest,
  type GetEntitiesResponse,
  type GetEntityAncestorsRequest,
  type GetEntityAncestorsResponse,
  type GetEntityErrorsRequest,
  type GetEntityErrorsResponse,
  type GetEntityFacetsRequest,
  type GetEntityFacetsResponse,
  type GetEntityHistoryRequest,
  type GetEntityHistoryResponse,
  type GetLocationsResponse,
  type Location,
  type QueryEntitiesCursorRequest,
  type QueryEntitiesRequest,
  type QueryEntitiesResponse,
  type SearchEntitiesRequest,
  type SearchEntitiesResponse,
  type ValidateEntityResponse,
} from './types';

export interface CatalogClientOptions {
  /** Where the catalog lives: `getBaseUrl('catalog')` → e.g. `http://localhost:7007/api/catalog`. */
  discoveryApi: { getBaseUrl(pluginId: string): Promise<string> };
  /** Defaults to the global `fetch`; pass one that adds credentials if needed. */
  fetchApi?: { fetch: typeof fetch };
  /**
   * Sent as `Accept-Encoding` where the caller may choose it (Node; a browser keeps its own): `'identity'` for a
   * backend calling the catalog on the same host or network, where compressing a page of entities costs both sides
   * more CPU than its bytes cost. Unset: the runtime's default (Node's fetch asks for gzip, deflate and brotli).
   */
  acceptEncoding?: string;
}

type FilterRecord = Record<string, string | symbol | Array<string | symbol>>;

/** `[{kind: 'component', 'spec.type': ['a','b']}]` → `['kind=component,spec.type=a,spec.type=b']` (raw, not encoded). */
export function filterToQueryValues(filter: EntityFilterQuery | undefined): string[] {
  const out: string[] = [];
  for (const item of [filter ?? []].flat() as FilterRecord[]) {
    const parts: string[] = [];
    for (const [key, value] of Object.entries(item)) {
      for (const v of [value].flat()) {
        if (v === CATALOG_FILTER_EXISTS) parts.push(key);
        else if (typeof v === 'string') parts.push(`${key}=${v}`);
      }
    }
    if (parts.length) out.push(parts.join(','));
  }
  return out;
}

function refPath(entityRef: EntityRefLike): string {
  const { kind, namespace, name } = parseEntityRef(entityRef);
  return `/entities/by-name/${encodeURIComponent(kind)}/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`;
}

function isCursorRequest(request: QueryEntitiesRequest): request is QueryEntitiesCursorRequest {
  return typeof (request as QueryEntitiesCursorRequest).cursor === 'string';
}

/**
 * The entities in ref order, as Backstage's client sorts them. Each ref is built once, not twice per comparison: a
 * scorecard reading 10,000 entities made some 270,000 refs. With `fields`, kind or name may be absent: such an
 * entity compares equal to any other (the server's order then), exactly as a comparison of the entities did.
 */
function sortedByRef(items: Entity[]): Entity[] {
  const keyed = items.map(entity => ({ entity, ref: entity?.kind && entity.metadata?.name ? stringifyEntityRef(entity) : undefined }));
  keyed.sort((a, b) => (a.ref === undefined || b.ref === undefined ? 0 : a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));
  return keyed.map(k => k.entity);
}

/** A `CatalogApi` over HTTP, speaking Backstage's catalog REST API (isomorphic: browser and Node). */
export class CatalogClient implements CatalogApi {
  private readonly discoveryApi: CatalogClientOptions['discoveryApi'];
  private readonly fetchApi: { fetch: typeof fetch };
  private readonly acceptEncoding?: string;

  constructor(options: CatalogClientOptions) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi ?? { fetch: (...args) => globalThis.fetch(...args) };
    this.acceptEncoding = options.acceptEncoding;
  }

  async getEntities(request: GetEntitiesRequest = {}, options?: CatalogRequestOptions): Promise<GetEntitiesResponse> {
    const { filter, fields = [], order, offset, limit, after } = request;
    const params = filterToQueryValues(filter).map(f => ['filter', f] as [string, string]);
    if (fields.length) params.push(['fields', fields.join(',')]);
    for (const directive of order ? [order].flat() : []) params.push(['order', `${directive.order}:${directive.field}`]);
    if (offset !== undefined) params.push(['offset', String(offset)]);
    if (limit !== undefined) params.push(['limit', String(limit)]);
    if (after !== undefined) params.push(['after', after]);
    const items = await this.requestJson<Entity[]>('GET', `/entities${query(params)}`, options);
    return { items: order ? items : sortedByRef(items) };
  }

  async getEntitiesByRefs(request: GetEntitiesByRefsRequest, options?: CatalogRequestOptions): Promise<GetEntitiesByRefsResponse> {
    const params = filterToQueryValues(request.filter).map(f => ['filter', f] as [string, string]);
    const body: { entityRefs: string[]; fields?: string[] } = { entityRefs: request.entityRefs };
    if (request.fields?.length) body.fields = request.fields;
    const result = await this.requestJson<{ items: Array<Entity | null> }>('POST', `/entities/by-refs${query(params)}`, options, body);
    return { items: result.items.map(item => item ?? null) };
  }

  async queryEntities(request: QueryEntitiesRequest = {}, options?: CatalogRequestOptions): Promise<QueryEntitiesResponse> {
    const params: Array<[string, string]> = [];
    if (isCursorRequest(request)) {
      params.push(['cursor', request.cursor]);
    } else {
      for (const f of filterToQueryValues(request.filter)) params.push(['filter', f]);
      if (request.offset !== undefined) params.push(['offset', String(request.offset)]);
      for (const o of request.orderFields ? [request.orderFields].flat() : []) params.push(['orderField', `${o.field},${o.order}`]);
      const term = request.fullTextFilter?.term?.trim();
      if (term) params.push(['fullTextFilterTerm', term]);
      if (request.fullTextFilter?.fields?.length) params.push(['fullTextFilterFields', request.fullTextFilter.fields.join(',')]);
    }
    if (request.limit !== undefined) params.push(['limit', String(request.limit)]);
    if (request.fields?.length) params.push(['fields', request.fields.join(',')]);
    return this.requestJson<QueryEntitiesResponse>('GET', `/entities/by-query${query(params)}`, options);
  }

  async getEntityAncestors(request: GetEntityAncestorsRequest, options?: CatalogRequestOptions): Promise<GetEntityAncestorsResponse> {
    return this.requestJson('GET', `${refPath(request.entityRef)}/ancestry`, options);
  }

  async getEntityByRef(entityRef: EntityRefLike, options?: CatalogRequestOptions): Promise<Entity | undefined> {
    return this.requestOptional<Entity>('GET', refPath(entityRef), options);
  }

  async removeEntityByUid(uid: string, options?: CatalogRequestOptions): Promise<void> {
    await this.request('DELETE', `/entities/by-uid/${encodeURIComponent(uid)}`, options);
  }

  async refreshEntity(entityRef: string, options?: CatalogRequestOptions): Promise<void> {
    await this.request('POST', '/refresh', options, { entityRef });
  }

  async getEntityFacets(request: GetEntityFacetsRequest, options?: CatalogRequestOptions): Promise<GetEntityFacetsResponse> {
    const params: Array<[string, string]> = filterToQueryValues(request.filter).map(f => ['filter', f]);
    for (const facet of request.facets) params.push(['facet', facet]);
    return this.requestJson('GET', `/entity-facets${query(params)}`, options);
  }

  async getLocations(_request?: Record<string, never>, options?: CatalogRequestOptions): Promise<GetLocationsResponse> {
    const rows = await this.requestJson<Array<{ data: Location }>>('GET', '/locations', options);
    return { items: rows.map(row => row.data) };
  }

  async getLocationById(id: string, options?: CatalogRequestOptions): Promise<Location | undefined> {
    return this.requestOptional<Location>('GET', `/locations/${encodeURIComponent(id)}`, options);
  }

  async getLocationByRef(locationRef: string, options?: CatalogRequestOptions): Promise<Location | undefined> {
    const { items } = await this.getLocations(undefined, options);
    return items.find(location => `${location.type}:${location.target}` === locationRef);
  }

  async getLocationByEntity(entityRef: EntityRefLike, options?: CatalogRequestOptions): Promise<Location | undefined> {
    const { kind, namespace, name } = parseEntityRef(entityRef);
    const path = `/locations/by-entity/${encodeURIComponent(kind)}/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`;
    return this.requestOptional<Location>('GET', path, options);
  }

  async addLocation(request: AddLocationRequest, options?: CatalogRequestOptions): Promise<AddLocationResponse> {
    const { type = 'url', target, dryRun } = request;
    const result = await this.requestJson<AddLocationResponse>('POST', `/locations${dryRun ? '?dryRun=true' : ''}`, options, { type, target });
    if (!result?.location) throw new Error(`Location wasn't added: ${target}`);
    return {
      location: result.location,
      entities: result.entities ?? [],
      errors: result.errors ?? [],
      ...(result.exists === undefined ? {} : { exists: result.exists }),
    };
  }

  async removeLocationById(id: string, options?: CatalogRequestOptions): Promise<void> {
    await this.request('DELETE', `/locations/${encodeURIComponent(id)}`, options);
  }

  async validateEntity(entity: Entity, locationRef: string, options?: CatalogRequestOptions): Promise<ValidateEntityResponse> {
    const response = await this.send('POST', '/validate-entity', options, { entity, location: locationRef });
    if (response.ok) return { valid: true };
    if (response.status !== 400) throw await ResponseError.fromResponse(response);
    const body = (await response.json().catch(() => ({}))) as { errors?: Array<{ name: string; message: string }> };
    return { valid: false, errors: body.errors ?? [] };
  }

  async getEntityHistory(entityRef: EntityRefLike, request: GetEntityHistoryRequest = {}, options?: CatalogRequestOptions): Promise<GetEntityHistoryResponse> {
    const params: Array<[string, string]> = request.limit !== undefined ? [['limit', String(request.limit)]] : [];
    return this.requestJson('GET', `${refPath(entityRef)}/history${query(params)}`, options);
  }

  async searchEntities(request: SearchEntitiesRequest, options?: CatalogRequestOptions): Promise<SearchEntitiesResponse> {
    const params: Array<[string, string]> = [['term', request.term]];
    if (request.limit !== undefined) params.push(['limit', String(request.limit)]);
    for (const kind of request.kind ? [request.kind].flat() : []) params.push(['kind', kind]);
    return this.requestJson('GET', `/search${query(params)}`, options);
  }

  async getEntityErrors(request: GetEntityErrorsRequest = {}, options?: CatalogRequestOptions): Promise<GetEntityErrorsResponse> {
    const params: Array<[string, string]> = [];
    if (request.entityRef) params.push(['entityRef', request.entityRef]);
    if (request.locationKey) params.push(['locationKey', request.locationKey]);
    return this.requestJson('GET', `/entities/errors${query(params)}`, options);
  }

  private async send(method: string, path: string, options?: CatalogRequestOptions, body?: unknown): Promise<Response> {
    const baseUrl = (await this.discoveryApi.getBaseUrl('catalog')).replace(/\/+$/, '');
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (options?.token) headers['Authorization'] = `Bearer ${options.token}`;
    if (this.acceptEncoding) headers['Accept-Encoding'] = this.acceptEncoding;
    return this.fetchApi.fetch(`${baseUrl}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  }

  private async request(method: string, path: string, options?: CatalogRequestOptions, body?: unknown): Promise<Response> {
    const response = await this.send(method, path, options, body);
    if (!response.ok) throw await ResponseError.fromResponse(response);
    return response;
  }

  private async requestJson<T>(method: string, path: string, options?: CatalogRequestOptions, body?: unknown): Promise<T> {
    const response = await this.request(method, path, options, body);
    return (await response.json()) as T;
  }

  private async requestOptional<T>(method: string, path: string, options?: CatalogRequestOptions): Promise<T | undefined> {
    const response = await this.send(method, path, options);
    if (response.status === 404) return undefined;
    if (!response.ok) throw await ResponseError.fromResponse(response);
    return (await response.json()) as T;
  }
}

/** Builds `?a=1&b=2` with each value URI-encoded (keys are fixed names). */
function query(params: Array<[string, string]>): string {
  if (!params.length) return '';
  return `?${params.map(([key, value]) => `${key}=${encodeURIComponent(value)}`).join('&')}`;
}
