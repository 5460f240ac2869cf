import { createHash, timingSafeEqual } from 'node:crypto';
import type * as Jose from 'jose';
import type { JWTPayload } from 'jose';
import type { Knex } from 'knex';
import { AuthenticationError } from '@portico/errors';
import { createServiceRef, coreServices, createServiceFactory, type ConfigService, type LoggerService, type Principal } from '@portico/backend-plugin-api';
import { DatabaseManager } from '../database/DatabaseManager';
import { runMigrations } from '../database/runMigrations';
import { rootLifecycleServiceRef } from '../lifecycle/RootLifecycleService';
import { readIdentityConfig, type ExternalAccessEntry, type IdentityConfig } from './identityConfig';
import { IDENTITY_DATABASE_NAME, identityMigrations } from './identityMigrations';
import { PersonalAccessTokens } from './PersonalAccessTokens';
import { SIGNING_ALGORITHM, SigningKeys } from './SigningKeys';

/** jose, loaded with the first token signed or checked rather than with the host (it is 0.1 MB of modules). */
const jose = (): typeof Jose => require('jose') as typeof Jose;

/** The `typ` header of the host's user tokens. */
export const USER_TOKEN_TYPE = 'vnd.portico.user';
/** The `typ` header of service tokens between plugins. */
export const SERVICE_TOKEN_TYPE = 'vnd.portico.service';
/** The `aud` of every user token. */
export const USER_TOKEN_AUDIENCE = 'portico';
/** Lifetime of a service token. */
export const SERVICE_TOKEN_LIFETIME_MS = 5 * 60 * 1000;
/** No user token lives longer than this, whatever its caller asks (public keys are kept this long). */
export const MAX_USER_TOKEN_LIFETIME_MS = 24 * 60 * 60 * 1000;

/** How many verified tokens are remembered (oldest forgotten first). */
const VERIFIED_CACHE_SIZE = 2_000;

/** A verified caller, and until when the proof holds. */
export interface VerifiedPrincipal {
  principal: Exclude<Principal, { type: 'none' }>;
  expiresAt?: Date;
}

interface OboClaim {
  sub: string;
  ent: string[];
}

const sha256 = (value: string) => createHash('sha256').update(value).digest();

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every(v => typeof v === 'string');
}

/** The 401 message for a JWT that jose refused. */
function describeJwtFailure(error: unknown, audience: string): string {
  if (error instanceof AuthenticationError) return error.message;
  if (error instanceof jose().errors.JWTExpired) return 'Token expired';
  if (error instanceof jose().errors.JOSEAlgNotAllowed) return `Token algorithm not allowed: only ${SIGNING_ALGORITHM} tokens are accepted`;
  if (error instanceof jose().errors.JWSSignatureVerificationFailed) return 'Invalid token signature';
  if (error instanceof jose().errors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') return `Token audience is not '${audience}'`;
    if (error.claim === 'iss') return 'Token issuer is not this portal';
    if (error.claim === 'typ') return 'Token type is not accepted here';
    return `Invalid token: ${error.message}`;
  }
  if (error instanceof jose().errors.JWSInvalid || error instanceof jose().errors.JWTInvalid) return 'Invalid token: malformed';
  return 'Invalid token';
}

/**
 * The host's identity: its signing keys and personal access tokens (in its own database, `core_identity`),
 * the tokens it issues and verifies, and the external access tokens from config. One per backend (root);
 * each plugin's AuthService and the UserTokenService are views of it.
 */
export class IdentityHost {
  readonly config: IdentityConfig;
  readonly keys: SigningKeys;
  readonly personalAccessTokens: PersonalAccessTokens;
  private database?: DatabaseManager;
  private ready?: Promise<Knex>;
  private readonly externalAccess: Array<ExternalAccessEntry & { hash: Buffer }>;
  private readonly verified = new Map<string, VerifiedPrincipal>();

  constructor(
    private readonly rootConfig: ConfigService,
    private readonly logger?: LoggerService,
  ) {
    this.config = readIdentityConfig(rootConfig);
    this.externalAccess = this.config.externalAccess.map(entry => ({ ...entry, hash: sha256(entry.token) }));
    const knex = () => this.knex();
    this.keys = new SigningKeys(knex, {
      rotationIntervalMs: this.config.rotationIntervalMs,
      maxTokenLifetimeMs: Math.max(MAX_USER_TOKEN_LIFETIME_MS, SERVICE_TOKEN_LIFETIME_MS),
    });
    this.personalAccessTokens = new PersonalAccessTokens(knex);
  }

  /** The identity database, migrated on first use. */
  knex(): Promise<Knex> {
    if (!this.ready) {
      this.database = DatabaseManager.fromConfig(this.rootConfig, { pool: { min: 0, max: 3 }, logger: this.logger });
      const database = this.database;
      const ready = database.getClient(IDENTITY_DATABASE_NAME).then(async knex => {
        await runMigrations(knex, identityMigrations, {
          schemaName: database.engine === 'pg' ? database.schemaName(IDENTITY_DATABASE_NAME) : undefined,
          logger: this.logger,
        });
        return knex;
      });
      ready.catch(() => {
        if (this.ready === ready) this.ready = undefined;
      });
      this.ready = ready;
    }
    return this.ready;
  }

  async shutdown(): Promise<void> {
    await this.database?.shutdown();
  }

  async issueUserToken(options: { userEntityRef: string; ownershipEntityRefs: string[]; expiresInSeconds?: number }) {
    const lifetimeMs = Math.min(
      options.expiresInSeconds !== undefined ? options.expiresInSeconds * 1000 : this.config.accessTokenDurationMs,
      MAX_USER_TOKEN_LIFETIME_MS,
    );
    return this.sign({
      type: USER_TOKEN_TYPE,
      subject: options.userEntityRef,
      audience: USER_TOKEN_AUDIENCE,
      lifetimeMs,
      claims: { ent: options.ownershipEntityRefs },
    });
  }

  /** A token for plugin `targetPluginId` from plugin `callerPluginId`, on behalf of a user when `obo` is given. */
  async issueServiceToken(options: { callerPluginId: string; targetPluginId: string; obo?: OboClaim }) {
    return this.sign({
      type: SERVICE_TOKEN_TYPE,
      subject: `plugin:${options.callerPluginId}`,
      audience: options.targetPluginId,
      lifetimeMs: SERVICE_TOKEN_LIFETIME_MS,
      claims: options.obo ? { obo: options.obo } : {},
    });
  }

  private async sign(options: { type: string; subject: string; audience: string; lifetimeMs: number; claims: JWTPayload }) {
    const { kid, privateKey } = await this.keys.signingKey();
    const issuedAt = Math.floor(Date.now() / 1000);
    const expiresAtSeconds = issuedAt + Math.max(1, Math.floor(options.lifetimeMs / 1000));
    const token = await new (jose().SignJWT)(options.claims)
      .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid, typ: options.type })
      .setIssuer(this.config.issuer)
      .setSubject(options.subject)
      .setAudience(options.audience)
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresAtSeconds)
      .sign(privateKey);
    return { token, expiresAt: new Date(expiresAtSeconds * 1000) };
  }

  /**
   * Verifies any token a caller may send to plugin `pluginId`: a user token, a service token whose
   * audience is `pluginId`, a personal access token or an external access token. Throws
   * AuthenticationError naming why anything else is refused.
   */
  async verify(token: string, pluginId: string): Promise<VerifiedPrincipal> {
    const external = this.matchExternalAccess(token);
    if (external) {
      return {
        principal: {
          type: 'service',
          subject: `external:${external.subject}`,
          ...(external.accessRestrictions ? { accessRestrictions: external.accessRestrictions } : {}),
        },
      };
    }
    if (PersonalAccessTokens.looksLikeOne(token)) {
      const owner = await this.personalAccessTokens.verify(token);
      if (typeof owner === 'string') throw new AuthenticationError(owner);
      return {
        principal: { type: 'user', userEntityRef: owner.userEntityRef, ownershipEntityRefs: owner.ownershipEntityRefs },
        expiresAt: owner.expiresAt,
      };
    }
    if (token.split('.').length !== 3) throw new AuthenticationError('Invalid token');
    // A signed token cannot change or be revoked: one verified already holds until it expires.
    const key = `${pluginId} ${token}`;
    const cached = this.verified.get(key);
    if (cached && cached.expiresAt!.getTime() > Date.now()) return cached;
    const verified = await this.verifyJwt(token, pluginId);
    if (this.verified.size >= VERIFIED_CACHE_SIZE) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(key, verified);
    return verified;
  }

  private async verifyJwt(token: string, pluginId: string): Promise<VerifiedPrincipal> {
    let type: unknown;
    try {
      type = jose().decodeProtectedHeader(token).typ;
    } catch {
      throw new AuthenticationError('Invalid token: malformed');
    }
    const audience = type === SERVICE_TOKEN_TYPE ? pluginId : USER_TOKEN_AUDIENCE;
    try {
      const { payload } = await jose().jwtVerify(
        token,
        async header => {
          if (header.alg !== SIGNING_ALGORITHM) throw new (jose().errors.JOSEAlgNotAllowed)('alg not allowed');
          const key = typeof header.kid === 'string' ? await this.keys.publicKey(header.kid) : undefined;
          if (!key) throw new AuthenticationError('Invalid token: signed by an unknown key');
          return key;
        },
        {
          algorithms: [SIGNING_ALGORITHM],
          issuer: this.config.issuer,
          audience,
          typ: type === SERVICE_TOKEN_TYPE ? SERVICE_TOKEN_TYPE : USER_TOKEN_TYPE,
          requiredClaims: ['sub', 'exp'],
        },
      );
      const expiresAt = new Date(payload.exp! * 1000);
      if (type === SERVICE_TOKEN_TYPE) {
        const obo = payload.obo as Partial<OboClaim> | undefined;
        if (obo !== undefined) {
          if (typeof obo?.sub !== 'string' || !isStringArray(obo.ent)) throw new AuthenticationError('Invalid token: malformed obo claim');
          return { principal: { type: 'user', userEntityRef: obo.sub, ownershipEntityRefs: obo.ent }, expiresAt };
        }
        return { principal: { type: 'service', subject: payload.sub! }, expiresAt };
      }
      if (!isStringArray(payload.ent)) throw new AuthenticationError('Invalid token: malformed ent claim');
      return { principal: { type: 'user', userEntityRef: payload.sub!, ownershipEntityRefs: payload.ent }, expiresAt };
    } catch (error) {
      throw new AuthenticationError(describeJwtFailure(error, audience));
    }
  }

  /** The external access entry whose token this is, compared in constant time against every entry. */
  private matchExternalAccess(token: string): ExternalAccessEntry | undefined {
    // none configured (the usual case): no hash of every request's token for nothing
    if (this.externalAccess.length === 0) return undefined;
    const given = sha256(token);
    let found: ExternalAccessEntry | undefined;
    for (const entry of this.externalAccess) {
      if (timingSafeEqual(entry.hash, given)) found = entry;
    }
    return found;
  }
}

/** Internal: the one IdentityHost of a backend. */
export const identityHostServiceRef = createServiceRef<IdentityHost>({ id: 'core.internal.identity', scope: 'root' });

export const identityHostServiceFactory = createServiceFactory({
  service: identityHostServiceRef,
  deps: { config: coreServices.rootConfig, logger: coreServices.rootLogger, lifecycle: rootLifecycleServiceRef },
  factory({ config, logger, lifecycle }) {
    const host = new IdentityHost(config, logger.child({ service: 'identity' }));
    lifecycle.addShutdownHook(() => host.shutdown(), { label: 'identity database' });
    return host;
  },
});
