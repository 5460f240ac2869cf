import { parseAllDocuments } from 'yaml';
import { toYamlDocument, toYamlFlow } from './yamlFilters';

const hostile = [
  'group:default/platform\n---\napiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: evil',
  'a "quoted" \'value\' with \\ backslash',
  '--- # not a document marker',
  'key: value # comment',
  'line\u2028separator\u0085next\u2029para',
  '\u007f\u009f\ufeff controls',
  '*alias &anchor !tag {flow} [seq] | > % @ `',
  '',
];

describe('yaml filters', () => {
  it.each(hostile)('yaml keeps %j one scalar on one line', value => {
    const out = toYamlFlow(value);
    expect(out).not.toMatch(/[\n\r\u0085\u2028\u2029]/);
    const docs = parseAllDocuments(`metadata:\n  description: ${out}\nspec:\n  owner: ${out}\n`);
    expect(docs).toHaveLength(1);
    expect(docs[0].errors).toEqual([]);
    expect(docs[0].toJS()).toEqual({ metadata: { description: value }, spec: { owner: value } });
  });

  it('yaml writes numbers, booleans, null, lists and maps as flow values', () => {
    expect(toYamlFlow(3)).toBe('3');
    expect(toYamlFlow(true)).toBe('true');
    expect(toYamlFlow(undefined)).toBe('null');
    const docs = parseAllDocuments(`tags: ${toYamlFlow(['a\n---', 'b'])}\nlinks: ${toYamlFlow({ url: 'x: y' })}\n`);
    expect(docs).toHaveLength(1);
    expect(docs[0].toJS()).toEqual({ tags: ['a\n---', 'b'], links: { url: 'x: y' } });
  });

  it('toYaml builds a single document from an object', () => {
    const entity = { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'svc', description: hostile[0] }, spec: { owner: hostile[2] } };
    const docs = parseAllDocuments(toYamlDocument(entity));
    expect(docs).toHaveLength(1);
    expect(docs[0].toJS()).toEqual(entity);
  });
});
