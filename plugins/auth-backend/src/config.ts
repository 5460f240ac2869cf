import { durationSchema } from '@portico/backend-plugin-api';
import { z } from 'zod';

/** The sign-in resolvers a provider may list in `signIn.resolvers`, tried in order. */
export const resolverNames = [
  'emailMatchingUserEntityProfileEmail',
  'emailLocalPartMatchingUserEntityName',
  'usernameMatchingUserEntityAnnotation',
  'oidcSubjectMatchingUserEntityAnnotation',
  'usernameMatchingUserEntityName',
] as const;
export type ResolverName = (typeof resolverNames)[number];

const signInSchema = (fallback: ResolverName[]) =>
  z
    .object({ resolvers: z.array(z.enum(resolverNames)).min(1).default(fallback) })
    .prefault({});

/** `auth.providers.oidc`: any OpenID Connect identity provider (Okta, Entra ID, Keycloak, Google...). */
export const oidcProviderSchema = z.object({
  /** Discovery at `<issuer>/.well-known/openid-configuration`; https, or http on a loopback address. */
  issuer: z.url(),
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  scope: z.string().default('openid profile email'),
  /** How the client secret is sent; default `client_secret_basic` unless the provider supports only `client_secret_post`. */
  tokenEndpointAuthMethod: z.enum(['client_secret_basic', 'client_secret_post']).optional(),
  /** The title on the sign-in page. */
  title: z.string().default('OpenID Connect'),
  signIn: signInSchema(['emailMatchingUserEntityProfileEmail']),
});

/** `auth.providers.github`: GitHub OAuth apps, on github.com or a GitHub Enterprise host. */
export const githubProviderSchema = z.object({
  host: z.string().min(1).default('github.com'),
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  /** Default `https://<host>`: where `/login/oauth/authorize` and `/login/oauth/access_token` live. */
  webBaseUrl: z.url().optional(),
  /** Default `https://api.github.com` for github.com, `https://<host>/api/v3` for GitHub Enterprise. */
  apiBaseUrl: z.url().optional(),
  title: z.string().default('GitHub'),
  signIn: signInSchema(['usernameMatchingUserEntityAnnotation']),
});

/** The `auth:` section of app-config. */
export const authConfigSchema = z
  .object({
    /** Lets a browser sign in as `user:default/guest`: for local use only. */
    allowGuest: z.boolean().default(false),
    /** Guest under NODE_ENV=production needs this too. */
    allowGuestInProduction: z.boolean().default(false),
    providers: z
      .object({
        oidc: oidcProviderSchema.optional(),
        github: githubProviderSchema.optional(),
      })
      .default({}),
    /** A profile that matches no catalog User signs in as `user:default/<name>` (owning nothing but itself). */
    dangerouslyAllowSignInWithoutUserInCatalog: z.boolean().default(false),
    session: z
      .object({
        /** Lifetime of the access token in the session cookie. */
        accessTokenDuration: durationSchema.prefault('PT15M'),
        /** A session not refreshed for this long ends (each refresh starts the period again). */
        refreshTokenDuration: durationSchema.prefault('P7D'),
      })
      .prefault({}),
    /** `portico login`: the device authorization flow (RFC 8628) that gives the CLI a personal access token. */
    device: z
      .object({
        /** How long a code waits for someone to approve it in the browser (`expires_in`). */
        codeDuration: durationSchema.prefault('PT10M'),
        /** The least time between two polls of the CLI (`interval`); a faster poll is answered `slow_down`. */
        interval: durationSchema.prefault('PT5S'),
        /** Lifetime of the personal access token an approved login receives. */
        tokenDuration: durationSchema.prefault('P90D'),
      })
      .prefault({}),
    /** Where sign-in lands and where errors are shown (default `backend.baseUrl`: the app served by the backend). */
    appBaseUrl: z.url().optional(),
  })
  .prefault({});

export type AuthConfig = z.output<typeof authConfigSchema>;
export type OidcProviderConfig = z.output<typeof oidcProviderSchema>;
export type GithubProviderConfig = z.output<typeof githubProviderSchema>;

/** Refuses guest sign-in in production unless explicitly allowed; the message names both keys. */
export function checkGuestAllowed(config: AuthConfig, nodeEnv: string | undefined): void {
  if (config.allowGuest && nodeEnv === 'production' && !config.allowGuestInProduction) {
    throw new Error(
      'auth.allowGuest is true but NODE_ENV is production: guest sign-in lets anyone in. ' +
        'Set auth.allowGuestInProduction: true as well to allow it, or set auth.allowGuest: false.',
    );
  }
}
