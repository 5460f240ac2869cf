import { isAndCriteria, isNotCriteria, isOrCriteria, type PermissionCriteria } from '@portico/permission-common';
import type { FilterCondition, ParsedEntityFilter } from '@portico/plugin-catalog-common';
import { COLUMN_KEYS, DIRECT_COLUMNS, type QueryPage } from './catalogRecords';
import type { Sql } from './CatalogDialect';

// A parsed filter, full-text filter and sort order as SQL over `catalog_entities e`, the same on both engines.

/** Full-text filter of a query: a substring of any search value (optionally of some keys only). */
export type FullTextFilter = { term: string; fields?: string[] };

/**
 * What a caller may read: a conditional decision's conditions in the catalog's filter language
 * (`toEntityPermissionQuery`), combined with allOf / anyOf / not. Compiled into the WHERE clause of
 * every page, count, facet and search, so nothing else is read.
 */
export type EntityPermissionCriteria = PermissionCriteria<FilterCondition>;

function conditionSql(c: FilterCondition): Sql {
  // an empty list of values matches nothing (a user who owns nothing owns no entity)
  if (c.values && c.values.length === 0) return { sql: '1 = 0', bindings: [] };
  const direct = DIRECT_COLUMNS[c.key];
  if (direct) {
    if (!c.values) return { sql: '1 = 1', bindings: [] };
    return { sql: `${direct} IN (${c.values.map(() => '?').join(', ')})`, bindings: c.values };
  }
  if (c.key.startsWith('relations.')) {
    const type = c.key.slice('relations.'.length);
    if (!c.values) {
      return { sql: 'e.entity_ref IN (SELECT source_ref FROM catalog_relations WHERE type_key = ?)', bindings: [type] };
    }
    return {
      sql: `e.entity_ref IN (SELECT source_ref FROM catalog_relations WHERE type_key = ? AND target_ref IN (${c.values.map(() => '?').join(', ')}))`,
      bindings: [type, ...c.values],
    };
  }
  if (!c.values) return { sql: 'e.eid IN (SELECT entity_id FROM catalog_search WHERE key = ?)', bindings: [c.key] };
  return {
    sql: `e.eid IN (SELECT entity_id FROM catalog_search WHERE key = ? AND value IN (${c.values.map(() => '?').join(', ')}))`,
    bindings: [c.key, ...c.values],
  };
}

/** Permission criteria as SQL over `catalog_entities e`. */
export function compilePermissionCriteria(criteria: EntityPermissionCriteria): Sql {
  const combine = (list: EntityPermissionCriteria[], op: 'AND' | 'OR'): Sql => {
    const parts = list.map(compilePermissionCriteria);
    return { sql: `(${parts.map(p => p.sql).join(` ${op} `)})`, bindings: parts.flatMap(p => p.bindings) };
  };
  if (isAndCriteria(criteria)) return combine(criteria.allOf, 'AND');
  if (isOrCriteria(criteria)) return combine(criteria.anyOf, 'OR');
  if (isNotCriteria(criteria)) {
    const inner = compilePermissionCriteria(criteria.not);
    return { sql: `NOT (${inner.sql})`, bindings: inner.bindings };
  }
  return conditionSql(criteria);
}

/** The WHERE clause of a filter, full-text filter and permission criteria ('1 = 1' for none). */
export function compileWhere(filter?: ParsedEntityFilter, fullText?: FullTextFilter, permission?: EntityPermissionCriteria): Sql {
  const parts: string[] = [];
  const bindings: unknown[] = [];
  if (permission) {
    const p = compilePermissionCriteria(permission);
    parts.push(p.sql);
    bindings.push(...p.bindings);
  }
  if (filter && filter.anyOf.length) {
    const ors = filter.anyOf.map(group => {
      const ands = group.allOf.map(c => {
        const s = conditionSql(c);
        bindings.push(...s.bindings);
        return s.sql;
      });
      return `(${ands.join(' AND ')})`;
    });
    parts.push(`(${ors.join(' OR ')})`);
  }
  if (fullText && fullText.term) {
    const like = `%${fullText.term.toLowerCase().replace(/[\\%_]/g, m => `\\${m}`)}%`;
    const fields = fullText.fields?.length ? fullText.fields : undefined;
    // kind, name and namespace are matched on the entity columns (they have no search rows)
    const columns = [...COLUMN_KEYS].filter(k => !fields || fields.includes(k)).map(k => DIRECT_COLUMNS[k]);
    parts.push(
      `(e.eid IN (SELECT entity_id FROM catalog_search WHERE value LIKE ? ESCAPE '\\'${fields ? ` AND key IN (${fields.map(() => '?').join(', ')})` : ''})${
        columns.map(c => ` OR ${c} LIKE ? ESCAPE '\\'`).join('')})`,
    );
    bindings.push(like, ...(fields ?? []), ...columns.map(() => like));
  }
  return { sql: parts.length ? parts.join(' AND ') : '1 = 1', bindings };
}

function sortExpr(field: string): Sql {
  const direct = DIRECT_COLUMNS[field];
  if (direct) return { sql: direct, bindings: [] };
  return {
    sql: `COALESCE((SELECT MIN(s.value) FROM catalog_search s WHERE s.entity_id = e.eid AND s.key = ?), '')`,
    bindings: [field],
  };
}

/**
 * One page of entities matching a filter, ordered by `order` then entity ref, keyset-paginated,
 * selecting id, etag, entity_ref, body, `relationsColumn` AS relations and sort_0..sort_{sorts-1}.
 * It asks for one row more than `limit`, which says whether there are more.
 */
export function compilePageQuery(q: QueryPage, relationsColumn: string): Sql & { sorts: number } {
  const where = compileWhere(q.filter, q.fullText, q.permission);
  const sorts = q.order.map(o => ({ ...sortExpr(o.field), order: o.order }));
  const reverse = q.direction === 'prev';
  const bindings: unknown[] = [];
  const selectSorts = sorts.map((s, i) => {
    bindings.push(...s.bindings);
    return `, ${s.sql} AS sort_${i}`;
  });
  let sql = `SELECT e.id, e.etag, e.entity_ref, e.body, ${relationsColumn} AS relations${selectSorts.join('')} FROM catalog_entities e WHERE ${where.sql}`;
  bindings.push(...where.bindings);
  if (q.after) {
    // lexicographic (s0, s1, ..., ref) > (v0, v1, ..., ref) honouring each direction
    const cols = [...sorts.map((s, i) => ({ sql: s.sql, bindings: s.bindings, asc: s.order === 'asc', value: q.after!.values[i] ?? '' })),
      { sql: 'e.entity_ref', bindings: [] as unknown[], asc: true, value: q.after.ref }];
    const build = (i: number): Sql => {
      const c = cols[i];
      const forward = c.asc !== reverse;
      const op = forward ? '>' : '<';
      if (i === cols.length - 1) return { sql: `${c.sql} ${op} ?`, bindings: [...c.bindings, c.value] };
      const rest = build(i + 1);
      return {
        sql: `(${c.sql} ${op} ? OR (${c.sql} = ? AND ${rest.sql}))`,
        bindings: [...c.bindings, c.value, ...c.bindings, c.value, ...rest.bindings],
      };
    };
    const k = build(0);
    sql += ` AND ${k.sql}`;
    bindings.push(...k.bindings);
  }
  const orderBy = [...sorts.map((s, i) => `sort_${i} ${(s.order === 'asc') !== reverse ? 'ASC' : 'DESC'}`), `e.entity_ref ${reverse ? 'DESC' : 'ASC'}`];
  sql += ` ORDER BY ${orderBy.join(', ')} LIMIT ?`;
  bindings.push(q.limit + 1);
  if (q.offset) {
    sql += ' OFFSET ?';
    bindings.push(q.offset);
  }
  return { sql, bindings, sorts: sorts.length };
}

/** The one relation condition of a permission (`relations.ownedBy IN (claims)`), alone or as the only member of an allOf. */
function soleRelationCondition(permission: EntityPermissionCriteria | undefined): (FilterCondition & { values: string[] }) | undefined {
  let c: EntityPermissionCriteria | undefined = permission;
  while (c && isAndCriteria(c) && c.allOf.length === 1) c = c.allOf[0];
  if (!c || isAndCriteria(c) || isOrCriteria(c) || isNotCriteria(c)) return undefined;
  const condition = c as FilterCondition;
  if (!condition.key.startsWith('relations.') || !condition.values?.length) return undefined;
  return condition as FilterCondition & { values: string[] };
}

/** The kinds of a filter that is nothing but `kind=...` ([] for no filter), else undefined. */
function kindsOnly(filter: ParsedEntityFilter | undefined): string[] | undefined {
  if (!filter || filter.anyOf.length === 0) return [];
  if (filter.anyOf.length !== 1 || filter.anyOf[0].allOf.length !== 1) return undefined;
  const [c] = filter.anyOf[0].allOf;
  return c.key === 'kind' && c.values?.length ? c.values : undefined;
}

/**
 * A faster page for the most common conditional read, a list of some kind that a role limits to what the caller
 * owns (IS_ENTITY_OWNER, `relations.ownedBy IN (claims)`), in entity-ref order: the page's refs are chosen on the
 * relations index alone (a ref starts with its kind and a colon) and only those rows are read whole. The general
 * query reads every owned row and sorts them for each page, which on PostgreSQL cost about twice an unfiltered
 * page once a team owns a few hundred entities. Undefined when the query has anything else (other filters, full
 * text, a sort field, an offset).
 *
 * The answer is exact only when it fills the page (`limit + 1` rows): a relation whose source entity does not
 * exist (or has another kind column) would leave a gap, so a shorter answer must be read again with
 * `compilePageQuery` (EntityReads does).
 */
export function compileOwnedPageQuery(q: QueryPage, relationsColumn: string): (Sql & { sorts: number }) | undefined {
  if (q.fullText?.term || q.offset || q.order.length) return undefined;
  const relation = soleRelationCondition(q.permission);
  const kinds = kindsOnly(q.filter);
  if (!relation || !kinds) return undefined;
  const reverse = q.direction === 'prev';
  const bindings: unknown[] = [relation.key.slice('relations.'.length), ...relation.values];
  let inner = `SELECT DISTINCT r.source_ref FROM catalog_relations r WHERE r.type_key = ? AND r.target_ref IN (${relation.values.map(() => '?').join(', ')})`;
  if (kinds.length) {
    inner += ` AND (${kinds.map(() => "r.source_ref LIKE ? ESCAPE '\\'").join(' OR ')})`;
    bindings.push(...kinds.map(k => `${k.replace(/[\\%_]/g, m => `\\${m}`)}:%`));
  }
  if (q.after) {
    inner += ` AND r.source_ref ${reverse ? '<' : '>'} ?`;
    bindings.push(q.after.ref);
  }
  inner += ` ORDER BY r.source_ref ${reverse ? 'DESC' : 'ASC'} LIMIT ?`;
  bindings.push(q.limit + 1);
  const kindWhere = compileWhere(q.filter);
  const sql =
    `SELECT e.id, e.etag, e.entity_ref, e.body, ${relationsColumn} AS relations FROM catalog_entities e ` +
    `WHERE e.entity_ref IN (${inner}) AND ${kindWhere.sql} ORDER BY e.entity_ref ${reverse ? 'DESC' : 'ASC'} LIMIT ?`;
  return { sql, bindings: [...bindings, ...kindWhere.bindings, q.limit + 1], sorts: 0 };
}
