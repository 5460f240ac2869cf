import { compilePageQuery, compileWhere } from './QueryCompiler';

describe('QueryCompiler', () => {
  it('matches every entity when there is no filter', () => {
    expect(compileWhere()).toEqual({ sql: '1 = 1', bindings: [] });
  });

  it('reads kind from the entity row and other keys from the search table, ANDing one group and ORing groups', () => {
    const where = compileWhere({
      anyOf: [
        { allOf: [{ key: 'kind', values: ['component'] }, { key: 'spec.owner', values: ['group:default/a', 'group:default/b'] }] },
        { allOf: [{ key: 'relations.ownedby' }] },
      ],
    });
    expect(where.sql).toBe(
      '((e.kind IN (?) AND e.eid IN (SELECT entity_id FROM catalog_search WHERE key = ? AND value IN (?, ?))) OR '
      + '(e.entity_ref IN (SELECT source_ref FROM catalog_relations WHERE type_key = ?)))',
    );
    expect(where.bindings).toEqual(['component', 'spec.owner', 'group:default/a', 'group:default/b', 'ownedby']);
  });

  it('escapes LIKE wildcards of a full-text filter and matches the column keys on the entity row', () => {
    const where = compileWhere(undefined, { term: '50%_Off', fields: ['metadata.name', 'spec.type'] });
    expect(where.sql).toContain('e.name LIKE ?');
    expect(where.sql).not.toContain('e.kind LIKE');
    expect(where.bindings).toEqual(['%50\\%\\_off%', 'metadata.name', 'spec.type', '%50\\%\\_off%']);
  });

  it('continues after a keyset cursor in the sort direction, with the entity ref as the last key', () => {
    const page = compilePageQuery(
      { order: [{ field: 'metadata.name', order: 'desc' }], after: { values: ['b'], ref: 'component:default/b' }, limit: 10 },
      'e.relations',
    );
    expect(page.sorts).toBe(1);
    expect(page.sql).toContain('AND (e.name < ? OR (e.name = ? AND e.entity_ref > ?))');
    expect(page.sql).toMatch(/ORDER BY sort_0 DESC, e.entity_ref ASC LIMIT \?$/);
    expect(page.bindings).toEqual(['b', 'b', 'component:default/b', 11]);
  });

  it('compiles permission criteria (allOf, anyOf, not) before the filter, and an empty claim list to nothing', () => {
    const where = compileWhere({ anyOf: [{ allOf: [{ key: 'kind', values: ['component'] }] }] }, undefined, {
      anyOf: [{ key: 'relations.ownedby', values: ['group:default/a'] }, { not: { allOf: [{ key: 'spec.lifecycle' }, { key: 'kind', values: [] }] } }],
    });
    expect(where.sql).toBe(
      '(e.entity_ref IN (SELECT source_ref FROM catalog_relations WHERE type_key = ? AND target_ref IN (?)) OR '
      + 'NOT ((e.eid IN (SELECT entity_id FROM catalog_search WHERE key = ?) AND 1 = 0))) AND ((e.kind IN (?)))',
    );
    expect(where.bindings).toEqual(['ownedby', 'group:default/a', 'spec.lifecycle', 'component']);
  });
});
