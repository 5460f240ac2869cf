import type * as client from 'openid-client';
import type { LoggerService } from '@portico/backend-plugin-api';
import type { OidcProviderConfig } from '../config';
import { SignInError, type AuthProvider, type SignInChecks, type SignInProfile } from './types';

/** openid-client, loaded when an OIDC sign-in first needs it: a portal without the provider never evaluates it. */
const openid = (): typeof client => require('openid-client') as typeof client;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Plain http is accepted only for an issuer on this machine (a local identity provider in development or tests). */
function isLoopbackHttp(url: URL): boolean {
  return url.protocol === 'http:' && LOOPBACK.has(url.hostname);
}

/** The claim an ID token check failed on, from openid-client's error or the oauth4webapi error it wraps. */
function claimOf(error: unknown): string | undefined {
  let node = error as { cause?: unknown; claim?: unknown } | undefined;
  for (let depth = 0; node && depth < 4; depth++) {
    if (typeof node.claim === 'string') return node.claim;
    node = node.cause as typeof node;
  }
  return undefined;
}

function describe(error: unknown): string {
  if (error instanceof openid().AuthorizationResponseError) return `${error.error}${error.error_description ? `: ${error.error_description}` : ''}`;
  if (error instanceof openid().ResponseBodyError) return `${error.error}${error.error_description ? `: ${error.error_description}` : ''}`;
  const claim = claimOf(error);
  if (claim === 'nonce') return "the ID token's nonce is not the one this sign-in started with";
  if (claim === 'exp') return 'the ID token has expired';
  if (claim) return `${(error as Error).message} (${claim})`;
  return (error as Error).message;
}

/**
 * OpenID Connect through `openid-client`: discovery from the issuer, authorization code with PKCE (S256),
 * `state` and `nonce` checked, the ID token's signature, issuer, audience and expiry verified.
 */
export class OidcProvider implements AuthProvider {
  readonly id = 'oidc' as const;
  readonly title: string;
  readonly resolvers;
  private configuration?: Promise<client.Configuration>;

  constructor(
    private readonly config: OidcProviderConfig,
    private readonly logger: LoggerService,
  ) {
    this.title = config.title;
    this.resolvers = config.signIn.resolvers;
    const issuer = new URL(config.issuer);
    if (issuer.protocol !== 'https:' && !isLoopbackHttp(issuer)) {
      throw new Error(`auth.providers.oidc.issuer must be an https URL (http only on a loopback address), got ${config.issuer}`);
    }
  }

  /** Discovered once; a failed discovery is retried on the next sign-in rather than kept. */
  private discover(): Promise<client.Configuration> {
    if (!this.configuration) {
      const issuer = new URL(this.config.issuer);
      this.configuration = openid()
        .discovery(issuer, this.config.clientId, undefined, this.clientAuth(), {
          execute: isLoopbackHttp(issuer) ? [openid().allowInsecureRequests] : [],
        })
        .catch(error => {
          this.configuration = undefined;
          this.logger.warn(`OpenID Connect discovery at ${this.config.issuer} failed: ${(error as Error).message}`);
          throw new SignInError(`The identity provider could not be reached (${(error as Error).message})`);
        });
    }
    return this.configuration;
  }

  /**
   * The client secret goes where the provider wants it: `tokenEndpointAuthMethod` when configured, else
   * `client_secret_basic` (the OpenID default) unless the provider's metadata lists only `client_secret_post`.
   */
  private clientAuth(): client.ClientAuth {
    const basic = openid().ClientSecretBasic(this.config.clientSecret);
    const post = openid().ClientSecretPost(this.config.clientSecret);
    return (as, metadata, body, headers) => {
      const supported = as.token_endpoint_auth_methods_supported;
      const method =
        this.config.tokenEndpointAuthMethod ??
        (supported && !supported.includes('client_secret_basic') && supported.includes('client_secret_post') ? 'client_secret_post' : 'client_secret_basic');
      (method === 'client_secret_post' ? post : basic)(as, metadata, body, headers);
    };
  }

  async authorizationUrl(checks: SignInChecks): Promise<URL> {
    const configuration = await this.discover();
    return openid().buildAuthorizationUrl(configuration, {
      redirect_uri: checks.redirectUri,
      scope: this.config.scope,
      state: checks.state,
      nonce: checks.nonce,
      code_challenge: await openid().calculatePKCECodeChallenge(checks.codeVerifier),
      code_challenge_method: 'S256',
    });
  }

  async handleCallback(callbackUrl: URL, checks: SignInChecks): Promise<SignInProfile> {
    const configuration = await this.discover();
    let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
    try {
      tokens = await openid().authorizationCodeGrant(configuration, callbackUrl, {
        pkceCodeVerifier: checks.codeVerifier,
        expectedState: checks.state,
        expectedNonce: checks.nonce,
        idTokenExpected: true,
      });
    } catch (error) {
      throw new SignInError(`The identity provider's answer was refused: ${describe(error)}`);
    }
    const claims = tokens.claims();
    if (!claims) throw new SignInError('The identity provider returned no ID token');
    let info: Record<string, unknown> = { ...claims };
    // Many providers put email and name only in userinfo.
    if (!claims.email && configuration.serverMetadata().userinfo_endpoint) {
      try {
        info = { ...(await openid().fetchUserInfo(configuration, tokens.access_token, claims.sub)), ...claims };
      } catch (error) {
        this.logger.warn(`OpenID Connect userinfo failed: ${describe(error)}`);
      }
    }
    const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
    return {
      subject: claims.sub,
      username: str(info.preferred_username),
      email: str(info.email),
      emailVerified: typeof info.email_verified === 'boolean' ? info.email_verified : undefined,
      displayName: str(info.name),
      picture: str(info.picture),
    };
  }
}
