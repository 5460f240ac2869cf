/**
 * The catalog page's view (filters, search text, sort) and its round trip through the URL query,
 * so that a view can be shared as a link.
 */
export type SortOrder = 'asc' | 'desc';

export interface CatalogSort {
  field: CatalogColumnField;
  order: SortOrder;
}

/** The entity fields the catalog table can sort on (Backstage `orderFields` paths). */
export const catalogColumnFields = [
  'metadata.name',
  'kind',
  'spec.type',
  'spec.owner',
  'spec.lifecycle',
] as const;
export type CatalogColumnField = (typeof catalogColumnFields)[number];

/**
 * Whose entities the view shows: `me` those owned by the signed-in user or one of their groups, `all` every
 * entity. Absent from the URL means the default: `me` when signed in as someone, `all` for the guest.
 */
export type OwnedView = 'me' | 'all';

export interface CatalogFilterState {
  owned?: OwnedView;
  kind: string[];
  type: string[];
  owner: string[];
  lifecycle: string[];
  tags: string[];
  text: string;
  sort: CatalogSort;
}

/** The multi-valued filters, in the order the page shows them; `facet` is the entity field behind each. */
export const catalogFacetFilters = [
  { key: 'kind', facet: 'kind', label: 'Kind' },
  { key: 'type', facet: 'spec.type', label: 'Type' },
  { key: 'owner', facet: 'relations.ownedBy', label: 'Owner' },
  { key: 'lifecycle', facet: 'spec.lifecycle', label: 'Lifecycle' },
  { key: 'tags', facet: 'metadata.tags', label: 'Tags' },
] as const satisfies ReadonlyArray<{ key: keyof CatalogFilterState; facet: string; label: string }>;
export type CatalogFacetKey = (typeof catalogFacetFilters)[number]['key'];

export const DEFAULT_SORT: CatalogSort = { field: 'metadata.name', order: 'asc' };

/**
 * The kinds the catalog opens on when the URL names none: what people look for, not the users, groups and
 * locations around it. `kind=` (empty) in the URL means every kind.
 */
export const DEFAULT_KINDS: readonly string[] = ['Component'];

/** No filter at all: every kind, owner, type, ... (what "Clear all" leaves). */
export function emptyFilterState(): CatalogFilterState {
  return { kind: [], type: [], owner: [], lifecycle: [], tags: [], text: '', sort: DEFAULT_SORT };
}

/** The view of `/catalog` without a query: the default kinds, nothing else filtered. */
export function defaultFilterState(): CatalogFilterState {
  return { ...emptyFilterState(), kind: [...DEFAULT_KINDS] };
}

const lower = (value: string) => value.toLocaleLowerCase('en-US');

const sameList = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((value, i) => lower(value) === lower(b[i]));

function readList(params: URLSearchParams, key: string): string[] {
  return params
    .getAll(key)
    .flatMap(v => v.split(','))
    .map(v => v.trim())
    .filter(Boolean);
}

/**
 * Reads the view from a URL query (`?owned=all&kind=component&owner=group:default/team-a&q=pay&sort=spec.owner:desc`).
 * Without `kind` the view has the default kinds; `kind=` (empty) means every kind.
 */
export function parseFilterState(params: URLSearchParams): CatalogFilterState {
  const state = defaultFilterState();
  const owned = params.get('owned');
  if (owned === 'me' || owned === 'all') state.owned = owned;
  for (const { key } of catalogFacetFilters) {
    if (key === 'kind' && !params.has('kind')) continue;
    state[key] = readList(params, key);
  }
  state.text = params.get('q')?.trim() ?? '';
  const sort = params.get('sort');
  if (sort) {
    const [field, order] = sort.split(':');
    if ((catalogColumnFields as readonly string[]).includes(field)) {
      state.sort = { field: field as CatalogColumnField, order: order === 'desc' ? 'desc' : 'asc' };
    }
  }
  return state;
}

/**
 * Writes the view to a URL query; the default kinds, empty filters and the default sort are left out to keep
 * links short. Every kind is written `kind=`, since no `kind` means the default kinds.
 */
export function toSearchParams(state: CatalogFilterState): URLSearchParams {
  const params = new URLSearchParams();
  if (state.owned) params.set('owned', state.owned);
  for (const { key } of catalogFacetFilters) {
    if (key === 'kind') {
      if (state.kind.length === 0) params.set('kind', '');
      if (sameList(state.kind, DEFAULT_KINDS)) continue;
    }
    for (const value of state[key]) params.append(key, value);
  }
  if (state.text) params.set('q', state.text);
  if (state.sort.field !== DEFAULT_SORT.field || state.sort.order !== DEFAULT_SORT.order) {
    params.set('sort', `${state.sort.field}:${state.sort.order}`);
  }
  return params;
}

/** A Backstage catalog filter: each key must match one of its values. */
export type CatalogEntityFilter = Record<string, string | string[]>;


/**
 * The server-side filter for the view's facet choices (text search and sort excluded). With
 * `ownershipRefs` ("Owned by me": the signed-in user and their groups), `relations.ownedBy` is limited to
 * them: to the chosen owners that are among them, or to all of them when none is.
 */
export function toEntityFilter(state: CatalogFilterState, except?: CatalogFacetKey, ownershipRefs?: string[]): CatalogEntityFilter {
  const filter: CatalogEntityFilter = {};
  for (const { key, facet } of catalogFacetFilters) {
    if (key === except || state[key].length === 0) continue;
    filter[facet] = state[key];
  }
  if (ownershipRefs) {
    const mine = new Set(ownershipRefs.map(lower));
    const chosen = except === 'owner' ? [] : state.owner.filter(owner => mine.has(lower(owner)));
    filter['relations.ownedBy'] = chosen.length ? chosen : ownershipRefs;
  }
  return filter;
}

/** The fields the text search looks in. */
export const FULL_TEXT_FIELDS = ['metadata.name', 'metadata.title', 'metadata.description', 'metadata.tags'];
