import { parseEntityFilterParams, parseFieldsParam, parseOrderFields, parseOrderParam, projectFields } from './queryParams';

describe('parseEntityFilterParams', () => {
  it('ANDs conditions within a param, ORs params, groups repeated keys and lower-cases', () => {
    expect(parseEntityFilterParams(['Kind=Component,spec.type=service,spec.type=Website', 'kind=api,metadata.annotations.backstage.io/x'])).toEqual({
      anyOf: [
        { allOf: [{ key: 'kind', values: ['component'] }, { key: 'spec.type', values: ['service', 'website'] }] },
        { allOf: [{ key: 'kind', values: ['api'] }, { key: 'metadata.annotations.backstage.io/x' }] },
      ],
    });
    expect(parseEntityFilterParams(undefined)).toBeUndefined();
  });

  it('keeps values with SQL in them as plain values and rejects keys with odd characters', () => {
    expect(parseEntityFilterParams("kind=a' OR 1=1--")).toEqual({ anyOf: [{ allOf: [{ key: 'kind', values: ["a' or 1=1--"] }] }] });
    expect(() => parseEntityFilterParams('kind;drop table x=1')).toThrow(/^filter: invalid key/);
    expect(() => parseEntityFilterParams({ a: 1 })).toThrow(/^filter: must be a string/);
    expect(() => parseEntityFilterParams(Array(51).fill('kind=a'))).toThrow(/^filter: at most 50/);
  });

  it('parses fields and both order syntaxes', () => {
    expect(parseFieldsParam(['kind,metadata.name', 'relations'])).toEqual(['kind', 'metadata.name', 'relations']);
    expect(() => parseFieldsParam('kind,(select 1)')).toThrow(/^fields: invalid field/);
    expect(parseOrderFields('metadata.name,desc')).toEqual([{ field: 'metadata.name', order: 'desc' }]);
    expect(parseOrderParam('asc:metadata.title')).toEqual([{ field: 'metadata.title', order: 'asc' }]);
    expect(() => parseOrderFields('metadata.name,up')).toThrow(/^orderField: order must be asc or desc/);
  });

  it('projects dotted fields', () => {
    expect(projectFields({ kind: 'A', metadata: { name: 'n', title: 't' }, spec: {} }, ['kind', 'metadata.name', 'missing.x'])).toEqual({ kind: 'A', metadata: { name: 'n' } });
  });

  it('never reads or writes through a prototype when projecting', () => {
    // as a stored entity with an own `__proto__` key would parse
    const entity = JSON.parse('{"kind":"A","spec":{"__proto__":{"polluted":"yes"},"toString":"own"}}');
    expect(projectFields(entity, ['spec.__proto__.polluted', 'spec.constructor.name', 'kind.length', 'spec.toString'])).toEqual({ spec: { toString: 'own' } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses field, filter and order paths through keys that reach prototypes', () => {
    expect(() => parseFieldsParam('kind,spec.__proto__.polluted')).toThrow("fields: 'spec.__proto__.polluted' names '__proto__', which no entity may have as a key");
    expect(() => parseEntityFilterParams('metadata.name=x,spec.constructor.prototype=y')).toThrow(/^filter: 'spec\.constructor\.prototype' names 'constructor'/);
    expect(() => parseOrderFields('spec.Prototype,asc')).toThrow(/^orderField: .* names 'prototype'/);
  });
});
