import {
  isValidAnnotationKey,
  isValidAnnotationValue,
  isValidApiVersion,
  isValidEntityName,
  isValidKind,
  isValidLabelKey,
  isValidLabelValue,
  isValidNamespace,
  isValidTag,
} from './rules';

describe('Backstage field rules', () => {
  it('accepts entity names of 1-63 alphanumerics separated by - _ .', () => {
    for (const name of ['a', 'petstore', 'Pet-Store_v2.api', 'a'.repeat(63), '1abc9']) expect(isValidEntityName(name)).toBe(true);
  });

  it('rejects names that are empty, too long, or start/end with a separator or hold other characters', () => {
    for (const name of ['', 'a'.repeat(64), '-a', 'a-', '.a', 'a_', 'a b', 'a/b', 'a:b', 'ä', 7, null]) {
      expect(isValidEntityName(name)).toBe(false);
    }
  });

  it('requires namespaces to be lower-case DNS labels', () => {
    expect(isValidNamespace('default')).toBe(true);
    expect(isValidNamespace('team-a-1')).toBe(true);
    for (const ns of ['Default', 'a_b', 'a.b', '-a', 'a-', '', 'a'.repeat(64)]) expect(isValidNamespace(ns)).toBe(false);
  });

  it('accepts kinds that start with a letter and hold letters and digits', () => {
    expect(isValidKind('Component')).toBe(true);
    expect(isValidKind('API')).toBe(true);
    expect(isValidKind('Kind2')).toBe(true);
    for (const kind of ['2Kind', 'my-kind', 'my kind', '', 'a'.repeat(64)]) expect(isValidKind(kind)).toBe(false);
  });

  it('accepts apiVersions of the form group/version (and a bare version, as Backstage does)', () => {
    expect(isValidApiVersion('backstage.io/v1alpha1')).toBe(true);
    expect(isValidApiVersion('scaffolder.backstage.io/v1beta3')).toBe(true);
    expect(isValidApiVersion('v1')).toBe(true);
    for (const v of ['Backstage.io/v1', 'backstage.io/v1/x', 'backstage.io/', '/v1', 'backstage.io/v1-alpha', '']) {
      expect(isValidApiVersion(v)).toBe(false);
    }
  });

  it('checks label and annotation keys as [prefix/]name', () => {
    expect(isValidLabelKey('tier')).toBe(true);
    expect(isValidLabelKey('acme.com/tier')).toBe(true);
    expect(isValidAnnotationKey('backstage.io/managed-by-location')).toBe(true);
    expect(isValidAnnotationKey(`${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}/x`)).toBe(true);
    expect(isValidAnnotationKey(`${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(62)}/x`)).toBe(false);
    for (const key of ['Acme.com/tier', 'a/b/c', 'acme.com/', '/x', 'x y', `acme.com/${'a'.repeat(64)}`]) {
      expect(isValidLabelKey(key)).toBe(false);
    }
  });

  it('allows empty or name-like label values and any string annotation value', () => {
    expect(isValidLabelValue('')).toBe(true);
    expect(isValidLabelValue('gold')).toBe(true);
    expect(isValidLabelValue('a b')).toBe(false);
    expect(isValidAnnotationValue('url:https://example.com/a b')).toBe(true);
    expect(isValidAnnotationValue(1)).toBe(false);
  });

  it('accepts lower-case tags made of [a-z0-9:+#] words separated by -', () => {
    for (const tag of ['java', 'c++', 'c#', 'team:payments', 'go-1-22']) expect(isValidTag(tag)).toBe(true);
    for (const tag of ['Java', 'a_b', 'a.b', '-a', 'a-', 'a--b', '', 'a'.repeat(64), 'a b']) expect(isValidTag(tag)).toBe(false);
  });
});
