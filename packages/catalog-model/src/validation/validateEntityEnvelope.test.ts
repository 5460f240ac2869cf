import { validateEntityEnvelope, assertValidEntityEnvelope } from './validateEntityEnvelope';
import { EntityValidationError } from './EntityValidationError';

const valid = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'checkout',
    namespace: 'shop',
    title: 'Checkout',
    labels: { 'acme.com/tier': 'gold', empty: '' },
    annotations: { 'backstage.io/source-location': 'url:https://github.com/acme/checkout' },
    tags: ['java', 'payments'],
    links: [{ url: 'https://runbooks.acme.com/checkout', title: 'Runbook', type: 'runbook' }],
    customField: { kept: true },
  },
  spec: { type: 'service' },
};

function errorsOf(value: unknown) {
  const result = validateEntityEnvelope(value);
  if (result.ok) throw new Error('expected errors');
  return result.errors;
}

describe('validateEntityEnvelope', () => {
  it('accepts a well-formed entity and keeps unknown metadata fields', () => {
    const result = validateEntityEnvelope(valid);
    expect(result).toEqual({ ok: true, entity: valid });
  });

  it('names the field of a bad entity name', () => {
    const errors = errorsOf({ ...valid, metadata: { name: 'check out' } });
    expect(errors).toEqual([
      expect.objectContaining({ path: 'metadata.name', segments: ['metadata', 'name'], message: expect.stringMatching(/^metadata\.name: "check out" is not a valid entity name/) }),
    ]);
  });

  it('reports a missing name and a missing kind as required', () => {
    const errors = errorsOf({ apiVersion: 'backstage.io/v1alpha1', metadata: {} });
    expect(errors.map(e => e.message).sort()).toEqual(['kind: is required', 'metadata.name: is required']);
  });

  it('rejects an upper-case namespace, bad apiVersion and bad kind', () => {
    const errors = errorsOf({ apiVersion: 'backstage.io', kind: 'my-kind', metadata: { name: 'a', namespace: 'Shop' } });
    expect(errors.map(e => e.path).sort()).toEqual(['apiVersion', 'kind', 'metadata.namespace']);
  });

  it('points at the offending label, annotation, tag and link', () => {
    const errors = errorsOf({
      ...valid,
      metadata: {
        name: 'a',
        labels: { 'Bad Key': 'x', good: 'not ok' },
        annotations: { 'acme.com/n': 5 },
        tags: ['ok', 'Not-Ok'],
        links: [{ title: 'no url' }],
      },
    });
    expect(errors.map(e => e.path)).toEqual(
      expect.arrayContaining([
        'metadata.labels["Bad Key"]',
        'metadata.labels.good',
        'metadata.annotations["acme.com/n"]',
        'metadata.tags[1]',
        'metadata.links[0].url',
      ]),
    );
    expect(errors.find(e => e.path === 'metadata.tags[1]')!.message).toContain('"Not-Ok" is not a valid tag');
    expect(errors.find(e => e.path === 'metadata.annotations["acme.com/n"]')!.message).toContain('must be a string, got number 5');
  });

  it('rejects unknown root fields as Backstage does', () => {
    expect(errorsOf({ ...valid, extra: 1 })).toEqual([expect.objectContaining({ path: 'extra', message: 'extra: is not an allowed field here' })]);
  });

  it('rejects a document that is not an object', () => {
    expect(errorsOf('hello')[0]!.message).toBe('entity must be an object, got string "hello"');
    expect(errorsOf([1])[0]!.message).toBe('entity must be an object, got an array');
    expect(errorsOf({ ...valid, spec: [] })[0]!.path).toBe('spec');
  });

  it('throws an EntityValidationError listing every problem from the assert form', () => {
    expect(() => assertValidEntityEnvelope({ ...valid, metadata: { name: '' } })).toThrow(EntityValidationError);
    expect(assertValidEntityEnvelope(valid)).toBe(valid);
  });
});
