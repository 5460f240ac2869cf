import { NotFoundError } from '@portico/errors';
import type { PagerDutyAccountConfig } from './config';
import { PagerDutyClient } from './PagerDutyClient';

/** The clients of `integrations.pagerduty`, one per account; `default` (or the only/first one) when none is named. */
export class PagerDutyClients {
  private readonly clients: Map<string, PagerDutyClient>;

  constructor(readonly accounts: PagerDutyAccountConfig[], options: { wait?: (ms: number) => Promise<void> } = {}) {
    this.clients = new Map(accounts.map(a => [a.id, new PagerDutyClient(a, options)]));
  }

  /** The id of the account entities use without `pagerduty.com/account`. */
  get defaultAccountId(): string | undefined {
    return this.clients.has('default') ? 'default' : this.accounts[0]?.id;
  }

  /** The client of an account, the default one when `id` is undefined; a 404 naming the account otherwise. */
  forAccount(id?: string): PagerDutyClient {
    const name = id ?? this.defaultAccountId;
    const client = name === undefined ? undefined : this.clients.get(name);
    if (!client) {
      const known = this.accounts.map(a => `'${a.id}'`).join(', ') || 'none';
      throw new NotFoundError(
        name === undefined
          ? 'No PagerDuty account is configured: add one under integrations.pagerduty'
          : `No PagerDuty account '${name}' in integrations.pagerduty (configured: ${known})`,
      );
    }
    return client;
  }

  list(): PagerDutyClient[] {
    return [...this.clients.values()];
  }
}
