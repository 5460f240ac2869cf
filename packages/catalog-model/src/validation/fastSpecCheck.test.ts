import { z } from 'zod';
import { builtinKinds } from '../kinds/builtinKinds';
import { entityRefField, entityRefList, nonEmptyString } from '../kinds/specFields';
import { fastAcceptOf, withFastAccept } from './fastSpecCheck';
import { validateEntity } from './validateEntity';

/** A small deterministic generator, so a failure names a case that can be run again. */
function random(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

const LEAVES: unknown[] = [
  'service', '', 'production', 'team-a', 'group:default/team-a', 'group:shop/team-b', 'Group:Default/Team-A', 'api:x',
  'not a ref!', 'group:/x', ':x', 'a/', 'x'.repeat(70), 'required', 'optional', 0, 42, true, false, null, undefined,
  {}, [], ['team-a'], ['api:default/a', 'b'], ['', 'x'], [1], [null], { displayName: 'A' }, { displayName: 1 },
  { email: 'a@b' }, new Date(0),
];

/** A spec each fast-checked kind accepts, to change a few fields of at a time. */
const VALID: Record<string, Record<string, unknown>> = {
  Component: {
    type: 'service', lifecycle: 'production', owner: 'team-a', system: 'shop', subcomponentOf: 'web',
    providesApis: ['orders'], consumesApis: ['api:default/b'], dependsOn: ['resource:db'], dependencyOf: ['web'],
  },
  API: { type: 'openapi', lifecycle: 'production', owner: 'team-a', system: 'shop', definition: 'openapi: 3.0.0' },
  Resource: { type: 'database', owner: 'team-a', system: 'shop', dependsOn: ['web'], dependencyOf: ['web'] },
  System: { owner: 'team-a', domain: 'retail', type: 'product' },
  Domain: { owner: 'team-a', subdomainOf: 'retail', type: 'area' },
  Group: { type: 'team', profile: { displayName: 'A', email: 'a@example.com' }, parent: 'org', children: ['b'], members: ['jo'] },
  User: { profile: { displayName: 'Jo' }, memberOf: ['team-a'] },
  Location: { type: 'url', target: './a.yaml', targets: ['./b.yaml'], presence: 'optional' },
};

function randomSpec(next: () => number, valid: Record<string, unknown>): unknown {
  const pick = () => LEAVES[Math.floor(next() * LEAVES.length)];
  if (next() < 0.03) return pick();
  const spec: Record<string, unknown> = { ...valid };
  const keys = [...Object.keys(valid), 'extra'];
  for (let changes = Math.floor(next() * 3); changes > 0; changes--) {
    const key = keys[Math.floor(next() * keys.length)];
    if (next() < 0.2) delete spec[key];
    else spec[key] = pick();
  }
  return spec;
}

describe('fastAcceptOf', () => {
  it('accepts only what the schema accepts, for every built-in kind (20,000 generated specs each)', () => {
    for (const kind of builtinKinds) {
      const accept = fastAcceptOf(kind.specSchema);
      if (!accept) continue; // asked every time: nothing to compare
      const next = random(kind.kind.length);
      expect(kind.specSchema.safeParse(VALID[kind.kind]).success).toBe(true);
      let accepted = 0;
      let refused = 0;
      for (let i = 0; i < 20_000; i++) {
        const spec = randomSpec(next, VALID[kind.kind]);
        if (!accept(spec)) {
          refused++;
          continue;
        }
        accepted++;
        const result = kind.specSchema.safeParse(spec);
        if (!result.success) throw new Error(`${kind.kind}: the fast check accepted ${JSON.stringify(spec)}, the schema did not`);
      }
      // both answers were given many times: the comparison covered each
      expect(accepted).toBeGreaterThan(1_000);
      expect(refused).toBeGreaterThan(1_000);
    }
  });

  it('has a fast check for the kinds a catalog is mostly made of', () => {
    const fast = builtinKinds.filter(k => fastAcceptOf(k.specSchema)).map(k => k.kind);
    expect(fast).toEqual(['Component', 'API', 'Resource', 'System', 'Domain', 'Group', 'User', 'Location']);
    const component = { type: 'service', lifecycle: 'production', owner: 'team-a', system: 'shop', providesApis: ['orders'], links: [{ url: 'x' }] };
    expect(fastAcceptOf(builtinKinds[0].specSchema)!(component)).toBe(true);
  });

  it('leaves to the schema what it cannot describe: unions, records, strict objects, refinements', () => {
    expect(fastAcceptOf(z.union([z.string(), z.boolean()]))).toBeUndefined();
    expect(fastAcceptOf(z.record(z.string(), z.unknown()))).toBeUndefined();
    expect(fastAcceptOf(z.strictObject({ a: z.string() }))).toBeUndefined();
    expect(fastAcceptOf(z.string().regex(/^a/))).toBeUndefined();
    expect(fastAcceptOf(z.looseObject({ a: z.string().max(3) }))).toBeUndefined();
    expect(fastAcceptOf(z.array(z.string()).min(1))).toBeUndefined();
    // a refinement on a schema of any type
    expect(fastAcceptOf(z.string().optional().refine(v => v !== 'x'))).toBeUndefined();
    expect(fastAcceptOf(z.enum(['a', 'b']).refine(v => v !== 'a'))).toBeUndefined();
    expect(fastAcceptOf(z.looseObject({ a: z.unknown().refine(v => v !== 1) }))).toBeUndefined();
    expect(fastAcceptOf(z.looseObject({ a: z.string() }).refine(v => v.a !== 'x'))).toBeUndefined();
    expect(fastAcceptOf(z.string().transform(v => v.trim()))).toBeUndefined();
    // a refinement given a fast check is described by it
    const even = withFastAccept(z.number().refine(n => n % 2 === 0), v => v === 2);
    expect(fastAcceptOf(z.looseObject({ n: even }))!({ n: 2 })).toBe(true);
    expect(fastAcceptOf(z.looseObject({ n: even }))!({ n: 4 })).toBe(false);
  });

  it('describes the ref fields: usable refs only', () => {
    const owner = fastAcceptOf(entityRefField('group'))!;
    expect(owner('team-a')).toBe(true);
    expect(owner('group:default/Not_Valid!')).toBe(false);
    expect(owner('')).toBe(false);
    expect(fastAcceptOf(entityRefField())!('team-a')).toBe(false); // no kind to assume
    expect(fastAcceptOf(entityRefList('api'))!(['a', 'api:b'])).toBe(true);
    expect(fastAcceptOf(entityRefList('api'))!(['a', 7])).toBe(false);
    expect(fastAcceptOf(nonEmptyString())!('')).toBe(false);
  });

  it('changes no verdict or message of validateEntity', () => {
    const entity = (spec: unknown) => ({ apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'svc' }, spec });
    expect(validateEntity(entity({ type: 'service', lifecycle: 'production', owner: 'team-a' })).ok).toBe(true);
    const result = validateEntity(entity({ type: '', lifecycle: 'production', owner: 'group:default/Not_Valid!' }));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors.map(e => e.message)).toEqual([
      'spec.type: must not be empty',
      'spec.owner: Entity reference "group:default/Not_Valid!" has an invalid name "Not_Valid!"',
    ]);
  });
});
