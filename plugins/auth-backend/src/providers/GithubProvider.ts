import type { calculatePKCECodeChallenge as PkceChallenge } from 'openid-client';
import { z } from 'zod';
import type { GithubProviderConfig } from '../config';
import { SignInError, type AuthProvider, type SignInChecks, type SignInProfile } from './types';

const tokenAnswer = z.union([
  z.object({ access_token: z.string().min(1), token_type: z.string().optional(), scope: z.string().optional() }),
  z.object({ error: z.string(), error_description: z.string().optional() }),
]);

/** The fields of `GET /user` (GitHub's `private-user` / `public-user`) a sign-in needs. */
const githubUser = z.object({
  login: z.string().min(1),
  id: z.number(),
  name: z.string().nullable().optional(),
  email: z.string().nullable().optional(),
  avatar_url: z.string().optional(),
});

const githubEmails = z.array(z.object({ email: z.string(), primary: z.boolean(), verified: z.boolean() }));

/** `https://<host>` and its REST API: `api.github.com` for github.com, `/api/v3` on GitHub Enterprise. */
export function githubUrls(config: Pick<GithubProviderConfig, 'host' | 'webBaseUrl' | 'apiBaseUrl'>): { web: string; api: string } {
  const web = (config.webBaseUrl ?? `https://${config.host}`).replace(/\/+$/, '');
  const api = (config.apiBaseUrl ?? (config.host === 'github.com' ? 'https://api.github.com' : `https://${config.host}/api/v3`)).replace(/\/+$/, '');
  return { web, api };
}

/** GitHub OAuth apps (github.com or GitHub Enterprise): the web flow with state and PKCE. */
export class GithubProvider implements AuthProvider {
  readonly id = 'github' as const;
  readonly title: string;
  readonly resolvers;
  private readonly urls: { web: string; api: string };

  constructor(private readonly config: GithubProviderConfig) {
    this.title = config.title;
    this.resolvers = config.signIn.resolvers;
    this.urls = githubUrls(config);
  }

  async authorizationUrl(checks: SignInChecks): Promise<URL> {
    const url = new URL(`${this.urls.web}/login/oauth/authorize`);
    url.search = new URLSearchParams({
      client_id: this.config.clientId,
      redirect_uri: checks.redirectUri,
      scope: 'read:user user:email',
      state: checks.state,
      // openid-client is loaded when a sign-in starts: a portal without the provider never evaluates it
      code_challenge: await (require('openid-client') as { calculatePKCECodeChallenge: typeof PkceChallenge }).calculatePKCECodeChallenge(checks.codeVerifier),
      code_challenge_method: 'S256',
      allow_signup: 'false',
    }).toString();
    return url;
  }

  async handleCallback(callbackUrl: URL, checks: SignInChecks): Promise<SignInProfile> {
    const params = callbackUrl.searchParams;
    if (params.get('error')) throw new SignInError('GitHub refused the sign-in');
    if (params.get('state') !== checks.state) throw new SignInError('The sign-in state does not match: start the sign-in again');
    const code = params.get('code');
    if (!code) throw new SignInError('GitHub returned no authorization code');

    const answer = await this.request(`${this.urls.web}/login/oauth/access_token`, {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: this.config.clientId,
        client_secret: this.config.clientSecret,
        code,
        redirect_uri: checks.redirectUri,
        code_verifier: checks.codeVerifier,
      }).toString(),
    });
    const token = tokenAnswer.safeParse(answer);
    if (!token.success) throw new SignInError('GitHub answered the token request in an unexpected shape');
    if ('error' in token.data) throw new SignInError(`GitHub refused the code: ${token.data.error_description ?? token.data.error}`);

    const auth = { accept: 'application/vnd.github+json', authorization: `Bearer ${token.data.access_token}` };
    const user = githubUser.safeParse(await this.request(`${this.urls.api}/user`, { headers: auth }));
    if (!user.success) throw new SignInError('GitHub answered GET /user in an unexpected shape');
    let email = user.data.email ?? undefined;
    let emailVerified: boolean | undefined;
    if (!email) {
      // The profile email is only the public one; the primary verified address needs `user:email`.
      const emails = githubEmails.safeParse(await this.request(`${this.urls.api}/user/emails`, { headers: auth }).catch(() => []));
      const primary = emails.success ? emails.data.find(e => e.primary && e.verified) : undefined;
      email = primary?.email;
      emailVerified = primary ? true : undefined;
    }
    return {
      subject: String(user.data.id),
      username: user.data.login,
      email,
      emailVerified,
      displayName: user.data.name ?? undefined,
      picture: user.data.avatar_url,
    };
  }

  private async request(url: string, init: RequestInit): Promise<unknown> {
    let res: Response;
    try {
      res = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
    } catch (error) {
      throw new SignInError(`GitHub could not be reached (${(error as Error).message})`);
    }
    if (!res.ok) throw new SignInError(`GitHub answered ${res.status} to ${new URL(url).pathname}`);
    return res.json();
  }
}
