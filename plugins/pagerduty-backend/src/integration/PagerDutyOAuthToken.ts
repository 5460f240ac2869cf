import { PagerDutyUnavailableError, pagerdutyStatusError, pagerdutyUnreachableError } from './pagerdutyErrors';
import type { PagerDutyAccountConfig } from './config';

type OAuthSettings = NonNullable<PagerDutyAccountConfig['oauth']>;

/**
 * An OAuth app's access token for one account (PagerDuty's client credentials grant): asked for when first needed
 * with the account scope (`as_account-<region>.<subdomain>`) and the plugin's scopes, kept until a minute before it
 * expires, asked for again after PagerDuty refuses it. One request at a time, however many callers wait.
 */
export class PagerDutyOAuthToken {
  private current?: { token: string; expiresAt: number };
  private pending?: Promise<string>;

  constructor(
    private readonly account: { id: string; oauth: OAuthSettings; timeoutMs: number },
    private readonly now: () => number = Date.now,
  ) {}

  async get(): Promise<string> {
    if (this.current && this.current.expiresAt > this.now()) return this.current.token;
    this.pending ??= this.request().finally(() => (this.pending = undefined));
    return this.pending;
  }

  /** Forgets the token (PagerDuty refused it: revoked, or the app's scopes changed). */
  invalidate(): void {
    this.current = undefined;
  }

  private async request(): Promise<string> {
    const { id, oauth, timeoutMs } = this.account;
    const what = 'an OAuth access token';
    let response: Response;
    try {
      response = await fetch(oauth.tokenUrl, {
        method: 'POST',
        headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: oauth.clientId,
          client_secret: oauth.clientSecret,
          scope: `as_account-${oauth.region}.${oauth.subdomain} ${oauth.scopes}`,
        }).toString(),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (cause) {
      throw pagerdutyUnreachableError({ account: id, what, timeoutMs, cause, verb: 'asking for' });
    }
    const text = await response.text();
    let body: { access_token?: unknown; expires_in?: unknown; error_description?: unknown } | undefined;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    if (response.status === 400 || response.status === 401) {
      // the identity service answers OAuth errors ({ error, error_description }): a wrong client, secret or scope
      const said = typeof body?.error_description === 'string' ? `: ${body.error_description.slice(0, 300)}` : '';
      throw new PagerDutyUnavailableError(
        `PagerDuty refused the OAuth app '${oauth.clientId}' of account '${id}' while asking for ${what} (client id, secret, subdomain or scopes are wrong${said})`,
      );
    }
    if (!response.ok) throw pagerdutyStatusError({ status: response.status, account: id, what, body, verb: 'asking for' });
    if (typeof body?.access_token !== 'string') {
      throw new PagerDutyUnavailableError(`PagerDuty answered no access token for account '${id}' (${what})`);
    }
    const expiresIn = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 3600;
    this.current = { token: body.access_token, expiresAt: this.now() + Math.max(0, expiresIn - 60) * 1000 };
    return body.access_token;
  }
}
