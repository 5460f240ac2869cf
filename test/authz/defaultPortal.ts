/**
 * The default portal for the authorization tests: the plugins of app-config.yaml `backend.plugins` plus the
 * auth plugin and the host's built-ins (permission, audit), with the host's REAL auth, httpAuth, user tokens,
 * permissions (RBAC) and auditor, on SQLite, with the example organisation in the catalog. A probe plugin
 * (no routes) hands the tests the host's own token services, so every token is minted as the portal mints it.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Express } from 'express';
import { generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import { parse as parseYaml } from 'yaml';
import {
  coreServices,
  createBackendPlugin,
  type AuthService,
  type BackendFeature,
  type UserTokenService,
} from '@portico/backend-plugin-api';
import { permissionsServiceFactory } from '@portico/backend';
import { eventually, startTestBackend, type TestBackend } from '@portico/test-utils';

const ROOT = path.join(__dirname, '../..');

/** The issuer of the test portal's tokens (startTestBackend keeps the config's baseUrl). */
export const BASE_URL = 'http://localhost:7007';
/** The one external access token of the portal: restricted to the catalog, and to reading entities there. */
export const EXTERNAL_TOKEN = 'ci-token-0123456789abcdefghijklmnop';
export const EXTERNAL_SUBJECT = 'ci-pipeline';

export interface Person {
  userEntityRef: string;
  ownershipEntityRefs: string[];
}

/** Who is who in the example organisation (examples/catalog/org). */
export const people = {
  /** Design team: owns nothing the matrix touches. */
  plain: { userEntityRef: 'user:default/ivan', ownershipEntityRefs: ['user:default/ivan', 'group:default/design', 'group:default/product', 'group:default/acme'] },
  /** Storefront team: owns catalog-db, the storefront components, the tasks they start. */
  owner: { userEntityRef: 'user:default/erin', ownershipEntityRefs: ['user:default/erin', 'group:default/storefront', 'group:default/engineering', 'group:default/acme'] },
  /** Platform team: `permission.rbac.admins`. */
  admin: { userEntityRef: 'user:default/bob', ownershipEntityRefs: ['user:default/bob', 'group:default/platform', 'group:default/engineering', 'group:default/acme'] },
} satisfies Record<string, Person>;

export const ADMIN_GROUP = 'group:default/platform';

/** The backend plugin packages of the default app-config, with the auth plugin (the issue lists it there). */
export function defaultPluginPackages(): string[] {
  const config = parseYaml(fs.readFileSync(path.join(ROOT, 'app-config.yaml'), 'utf8')) as { backend: { plugins: string[] } };
  const names = [...config.backend.plugins];
  if (!names.includes('@portico/plugin-auth-backend')) names.push('@portico/plugin-auth-backend');
  return names;
}

async function loadFeatures(names: string[]): Promise<BackendFeature[]> {
  const features: BackendFeature[] = [];
  for (const name of names) {
    const loaded = (await import(name)) as { default: BackendFeature | BackendFeature[] };
    features.push(...[loaded.default].flat());
  }
  return features;
}

/** The host services a test needs to mint tokens exactly as the portal does. */
export interface HostTokens {
  userTokens: UserTokenService;
  /** The AuthService of plugin `authz-probe`. */
  auth: AuthService;
}

function probePlugin(found: (tokens: HostTokens) => void) {
  return createBackendPlugin({
    pluginId: 'authz-probe',
    register(env) {
      env.registerInit({
        deps: { userTokens: coreServices.userTokens, auth: coreServices.auth },
        async init({ userTokens, auth }) {
          found({ userTokens, auth });
        },
      });
    },
  });
}

export interface DefaultPortal {
  backend: TestBackend;
  app: Express;
  tokens: HostTokens;
  /** A user token signed by the portal. */
  userToken(person: Person, expiresInSeconds?: number): Promise<string>;
  /** A service token from plugin `authz-probe` to `targetPluginId`. */
  serviceToken(targetPluginId: string): Promise<string>;
  /** A user token for `person` with every claim right but signed by a key the portal never had. */
  forgedToken(person: Person): Promise<string>;
  /** The same claims, `alg: none`, no signature. */
  unsignedToken(person: Person): string;
  /** A user token that expired a minute ago (signed by the portal's own key). */
  expiredToken(person: Person): Promise<string>;
  stop(): Promise<void>;
}

export async function startDefaultPortal(options: { config?: Record<string, unknown>; features?: BackendFeature[] } = {}): Promise<DefaultPortal> {
  let tokens: HostTokens | undefined;
  const features = [...(await loadFeatures(defaultPluginPackages())), probePlugin(t => (tokens = t)), ...(options.features ?? [])];
  const backend = await startTestBackend({
    auth: 'real',
    services: [permissionsServiceFactory],
    features,
    config: {
      backend: { baseUrl: BASE_URL, auth: { externalAccess: [{ token: EXTERNAL_TOKEN, subject: EXTERNAL_SUBJECT, accessRestrictions: { plugins: ['catalog'], permissions: ['catalog.entity.read'] } }] } },
      permission: { rbac: { admins: [ADMIN_GROUP] } },
      auth: { allowGuest: false },
      catalog: {
        processingInterval: 'PT1H',
        locations: [
          { type: 'file', target: path.join(ROOT, 'examples/catalog/all.yaml') },
          { type: 'file', target: path.join(ROOT, 'examples/scorecards/location.yaml') },
        ],
      },
      integrations: { file: { roots: [path.join(ROOT, 'examples')] } },
      ...options.config,
    },
  });
  if (!tokens) throw new Error('the probe plugin did not start');
  const host = tokens;
  const app = backend.server.listeners('request')[0] as unknown as Express;
  const forgeKey = await generateKeyPair('ES256');
  const userToken = async (person: Person, expiresInSeconds?: number) =>
    (await host.userTokens.issueUserToken({ ...person, ...(expiresInSeconds !== undefined ? { expiresInSeconds } : {}) })).token;
  const portal: DefaultPortal = {
    backend,
    app,
    tokens: host,
    userToken,
    async serviceToken(targetPluginId) {
      const { token } = await host.auth.getPluginRequestToken({ onBehalfOf: await host.auth.getOwnServiceCredentials(), targetPluginId });
      return token;
    },
    async forgedToken(person) {
      // The portal's own key id, so the signature itself is what fails.
      const { keys } = await host.userTokens.getJwks();
      const kid = String(keys[0]?.kid);
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ ent: person.ownershipEntityRefs })
        .setProtectedHeader({ alg: 'ES256', kid, typ: 'vnd.portico.user' })
        .setIssuer(BASE_URL)
        .setAudience('portico')
        .setSubject(person.userEntityRef)
        .setIssuedAt(now)
        .setExpirationTime(now + 600)
        .sign(forgeKey.privateKey);
    },
    unsignedToken(person) {
      return new UnsecuredJWT({ ent: person.ownershipEntityRefs })
        .setIssuer(BASE_URL)
        .setAudience('portico')
        .setSubject(person.userEntityRef)
        .setIssuedAt()
        .setExpirationTime('10m')
        .encode();
    },
    async expiredToken(person) {
      // The shortest lifetime the portal signs is one second: wait it out.
      const token = await userToken(person, 1);
      await eventually(async () => {
        expect(Date.now()).toBeGreaterThan(JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).exp * 1000 + 1000);
      });
      return token;
    },
    stop: () => backend.stop(),
  };
  return portal;
}
