import {
  DEFAULT_SORT,
  defaultFilterState,
  emptyFilterState,
  parseFilterState,
  toEntityFilter,
  toSearchParams,
} from './catalogFilterState';

describe('catalog filter state in the URL', () => {
  it('round-trips every filter, the search text and the sort', () => {
    const state = {
      ...emptyFilterState(),
      kind: ['API', 'Component'],
      type: ['service', 'website'],
      owner: ['group:default/team-a'],
      lifecycle: ['production'],
      tags: ['java'],
      text: 'pay',
      sort: { field: 'spec.owner' as const, order: 'desc' as const },
    };
    const params = toSearchParams(state);
    expect(params.toString()).toBe(
      'kind=API&kind=Component&type=service&type=website&owner=group%3Adefault%2Fteam-a&lifecycle=production&tags=java&q=pay&sort=spec.owner%3Adesc',
    );
    expect(parseFilterState(new URLSearchParams(params.toString()))).toEqual(state);
  });

  it('leaves the default kind, empty filters and the default sort out of the URL', () => {
    expect(toSearchParams(defaultFilterState()).toString()).toBe('');
    expect(toSearchParams({ ...defaultFilterState(), kind: ['component'] }).toString()).toBe('');
  });

  it('opens on components without a kind in the URL, and on every kind with an empty one', () => {
    expect(parseFilterState(new URLSearchParams('')).kind).toEqual(['Component']);
    expect(parseFilterState(new URLSearchParams('owner=team-a')).kind).toEqual(['Component']);
    expect(parseFilterState(new URLSearchParams('kind=')).kind).toEqual([]);
    expect(parseFilterState(new URLSearchParams('kind=API')).kind).toEqual(['API']);
    expect(toSearchParams(emptyFilterState()).toString()).toBe('kind=');
    expect(toEntityFilter(parseFilterState(new URLSearchParams('')))).toEqual({ kind: ['Component'] });
    expect(toEntityFilter(parseFilterState(new URLSearchParams('kind=')))).toEqual({});
  });

  it('accepts comma-separated values and ignores an unknown sort field', () => {
    const state = parseFilterState(new URLSearchParams('kind=component,api&sort=metadata.uid:desc'));
    expect(state.kind).toEqual(['component', 'api']);
    expect(state.sort).toEqual(DEFAULT_SORT);
  });

  it('builds the server filter from the facets, optionally without one of them', () => {
    const state = { ...emptyFilterState(), kind: ['Component'], owner: ['group:default/team-a'] };
    expect(toEntityFilter(state)).toEqual({ kind: ['Component'], 'relations.ownedBy': ['group:default/team-a'] });
    expect(toEntityFilter(state, 'owner')).toEqual({ kind: ['Component'] });
  });

  it('keeps "Owned by me" or "All" in the URL, and nothing when it is the default', () => {
    expect(toSearchParams({ ...emptyFilterState(), owned: 'all', kind: ['API'] }).toString()).toBe('owned=all&kind=API');
    expect(parseFilterState(new URLSearchParams('owned=me')).owned).toBe('me');
    expect(parseFilterState(new URLSearchParams('owned=everyone')).owned).toBeUndefined();
    expect(parseFilterState(new URLSearchParams('')).owned).toBeUndefined();
  });

  it('limits the owners to the signed-in user\'s ownership refs for "Owned by me"', () => {
    const mine = ['user:default/jane', 'group:default/team-a'];
    const state = { ...emptyFilterState(), kind: ['Component'] };
    expect(toEntityFilter(state, undefined, mine)).toEqual({ kind: ['Component'], 'relations.ownedBy': mine });
    // a chosen owner that is the user's narrows further; one that is not is ignored
    const chosen = { ...state, owner: ['Group:default/Team-A', 'group:default/team-b'] };
    expect(toEntityFilter(chosen, undefined, mine)).toEqual({ kind: ['Component'], 'relations.ownedBy': ['Group:default/Team-A'] });
    expect(toEntityFilter({ ...state, owner: ['group:default/team-b'] }, undefined, mine)['relations.ownedBy']).toEqual(mine);
    // the owner facet's own choices are the user's refs, whatever owner is chosen
    expect(toEntityFilter(chosen, 'owner', mine)).toEqual({ kind: ['Component'], 'relations.ownedBy': mine });
  });
});
