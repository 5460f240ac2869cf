import { entityEnvelopeSchema } from '../entity/entityEnvelopeSchema';
import { envelopeCertainlyValid } from './fastEnvelopeCheck';

const base = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'a',
    namespace: 'default',
    title: 'A',
    labels: { 'acme.com/tier': 'gold' },
    annotations: { 'backstage.io/x': 'any value' },
    tags: ['java'],
    links: [{ url: 'https://x', type: 'runbook' }],
  },
  spec: { type: 'service' },
  relations: [{ type: 'ownedBy', targetRef: 'group:default/a' }],
  status: {},
};

// Each mutation replaces one field (undefined deletes it); together they cover every rule of the schema.
const mutations: Array<[string[], unknown]> = [
  [[], 'string'], [[], null], [[], []], [['extra'], 1],
  [['apiVersion'], 'v1'], [['apiVersion'], 'Bad/v1'], [['apiVersion'], undefined], [['apiVersion'], 3],
  [['kind'], 'my-kind'], [['kind'], undefined], [['kind'], 'Widget'],
  [['metadata'], undefined], [['metadata'], []], [['metadata'], null],
  [['metadata', 'name'], 'a b'], [['metadata', 'name'], ''], [['metadata', 'name'], 'x'.repeat(64)], [['metadata', 'name'], undefined],
  [['metadata', 'namespace'], 'Default'], [['metadata', 'namespace'], null], [['metadata', 'namespace'], undefined],
  [['metadata', 'title'], 1], [['metadata', 'uid'], 1], [['metadata', 'etag'], null], [['metadata', 'description'], {}],
  [['metadata', 'labels'], { 'Bad Key': 'x' }], [['metadata', 'labels'], { ok: 'a b' }], [['metadata', 'labels'], { ok: '' }],
  [['metadata', 'labels'], { ok: 1 }], [['metadata', 'labels'], []], [['metadata', 'labels'], null],
  [['metadata', 'annotations'], { 'a/b/c': 'x' }], [['metadata', 'annotations'], { ok: 1 }], [['metadata', 'annotations'], { ok: '' }],
  [['metadata', 'tags'], ['Java']], [['metadata', 'tags'], 'java'], [['metadata', 'tags'], [1]], [['metadata', 'tags'], []],
  [['metadata', 'links'], [{ title: 'x' }]], [['metadata', 'links'], [{ url: '' }]], [['metadata', 'links'], [{ url: 'u', icon: 1 }]],
  [['metadata', 'links'], {}], [['metadata', 'links'], [null]], [['metadata', 'custom'], { any: 'thing' }],
  [['spec'], []], [['spec'], null], [['spec'], 'x'], [['spec'], undefined],
  [['status'], []], [['status'], undefined],
  [['relations'], [{ type: '', targetRef: 'x' }]], [['relations'], [{ type: 'a' }]], [['relations'], {}], [['relations'], [{ type: 'a', targetRef: 'b', extra: 1 }]],
];

function mutate(path: string[], value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(base) as Record<string, unknown>;
  let target = copy;
  for (const key of path.slice(0, -1)) target = target[key] as Record<string, unknown>;
  const last = path[path.length - 1]!;
  if (value === undefined) delete target[last];
  else target[last] = value;
  return copy;
}

describe('envelopeCertainlyValid', () => {
  it('accepts a typical valid entity', () => {
    expect(envelopeCertainlyValid(base)).toBe(true);
  });

  it.each(mutations.map(([path, value]) => [path.join('.') || '(root)', JSON.stringify(value), path, value]))(
    'never accepts what the schema rejects: %s = %s',
    (_name, _shown, path, value) => {
      const candidate = mutate(path as string[], value);
      const schemaOk = entityEnvelopeSchema.safeParse(candidate).success;
      if (envelopeCertainlyValid(candidate)) expect(schemaOk).toBe(true);
      // Where the schema accepts, the fast check should too (so the fast path is actually taken).
      if (schemaOk) expect(envelopeCertainlyValid(candidate)).toBe(true);
    },
  );
});
