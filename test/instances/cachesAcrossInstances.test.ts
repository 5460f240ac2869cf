import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase, isPgReachable } from '@portico/test-utils';
import { spawnInstance, waitFor, type PorticoInstance } from './porticoInstance';

jest.setTimeout(180_000);

if (!isPgReachable()) throw new Error('this test runs two instances on PostgreSQL, which is unreachable');

const org = (team: string) => `apiVersion: backstage.io/v1alpha1
kind: User
metadata: { name: guest }
spec: { memberOf: [${team}] }
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: team-a }
spec: { type: team, children: [] }
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: team-b }
spec: { type: team, children: [] }
`;

const components = (n: number) =>
  Array.from({ length: n }, (_, i) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: { name: svc-${i} }\nspec: { type: service, lifecycle: experimental, owner: group:default/team-a }\n`).join('---\n');

/** A browser's session on one instance: the refresh cookie it was given, renewed (rotated) on every refresh. */
class Session {
  private refreshToken = '';

  private take(res: Response) {
    const cookie = res.headers.getSetCookie().find(c => c.startsWith('portico_refresh='));
    if (cookie) this.refreshToken = cookie.slice('portico_refresh='.length).split(';')[0];
  }

  async signIn(instance: PorticoInstance): Promise<string[]> {
    const res = await fetch(`${instance.url}/api/auth/guest/sign-in`, { method: 'POST', signal: AbortSignal.timeout(20_000) });
    if (res.status !== 200) throw new Error(`guest sign-in answered ${res.status}: ${await res.text()}`);
    this.take(res);
    return ((await res.json()) as { ownershipEntityRefs: string[] }).ownershipEntityRefs;
  }

  /** Renews the session on `instance` (any of them): the ownership refs its new token carries. */
  async refresh(instance: PorticoInstance): Promise<string[]> {
    const res = await fetch(`${instance.url}/api/auth/refresh`, {
      method: 'POST',
      headers: { cookie: `portico_refresh=${this.refreshToken}; portico_csrf=same`, 'x-csrf-token': 'same' },
      signal: AbortSignal.timeout(20_000),
    });
    if (res.status !== 200) throw new Error(`refresh answered ${res.status}: ${await res.text()}`);
    this.take(res);
    return ((await res.json()) as { ownershipEntityRefs: string[] }).ownershipEntityRefs.sort();
  }
}

describe('per-instance caches of two instances on one PostgreSQL database', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-caches-'));
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let a: PorticoInstance;
  let b: PorticoInstance;

  beforeAll(async () => {
    fs.writeFileSync(path.join(dir, 'org.yaml'), org('team-a'));
    db = await createTestDatabase('pg');
    const config = {
      backend: { plugins: ['@portico/plugin-catalog-backend', '@portico/plugin-auth-backend'] },
      auth: { allowGuest: true },
      integrations: { file: { roots: [dir] } },
      catalog: { locations: [{ type: 'file', target: path.join(dir, 'org.yaml') }] },
    };
    // one after the other: the second starts on migrated tables
    a = await spawnInstance({ database: db.config, config });
    await a.waitReady();
    b = await spawnInstance({ database: db.config, config });
    await b.waitReady();
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await db?.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("B's session refresh carries a group membership ingested on A, not B's cached one", async () => {
    const memberOf = async (instance: PorticoInstance) =>
      JSON.stringify((await instance.call('GET', '/api/catalog/entities/by-name/user/default/guest')).body?.spec?.memberOf);
    await waitFor('the guest in the catalog', async () => (await memberOf(a)) === '["team-a"]');
    const session = new Session();
    expect((await session.signIn(a)).sort()).toEqual(['group:default/team-a', 'user:default/guest']);
    // B computes the ownership once and keeps it (for a minute, unless told otherwise)
    expect(await session.refresh(b)).toEqual(['group:default/team-a', 'user:default/guest']);
    expect(await session.refresh(b)).toEqual(['group:default/team-a', 'user:default/guest']);

    fs.writeFileSync(path.join(dir, 'org.yaml'), org('team-b'));
    const refreshed = await a.call('POST', '/api/catalog/refresh', { entityRef: 'user:default/guest' });
    expect(refreshed.status).toBe(200);
    await waitFor('the new membership ingested on A', async () => (await memberOf(a)) === '["team-b"]', 30_000);

    // within a couple of seconds, B's next refresh says so
    await waitFor(
      "the new membership in B's session",
      async () => JSON.stringify(await session.refresh(b)) === JSON.stringify(['group:default/team-b', 'user:default/guest']),
      3_000,
    );
  });

  it("B's counts and facets follow a write on A (the catalog's change marker), not what B read first", async () => {
    const facetCount = async (instance: PorticoInstance) =>
      (await instance.call('GET', '/api/catalog/entity-facets?facet=kind')).body.facets.kind.find((f: { value: string }) => f.value.toLowerCase() === 'component')?.count ?? 0;
    const total = async (instance: PorticoInstance) => (await instance.call('GET', '/api/catalog/entities/by-query?filter=kind=component&limit=1')).body.totalItems;
    expect(await facetCount(b)).toBe(0);
    expect(await total(b)).toBe(0);

    fs.writeFileSync(path.join(dir, 'components.yaml'), components(25));
    const registered = await a.call('POST', '/api/catalog/locations', { type: 'file', target: path.join(dir, 'components.yaml') });
    expect(registered.status).toBe(201);
    await waitFor('the components ingested on A', async () => (await total(a)) === 25, 30_000);

    await waitFor('the components counted on B', async () => (await facetCount(b)) === 25 && (await total(b)) === 25, 3_000);
  });
});
