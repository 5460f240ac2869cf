import { NotFoundError } from '@portico/errors';
import type { JiraSiteConfig } from './config';
import { JiraClient } from './JiraClient';

/** The clients of `integrations.jira`, one per site; the first site when an entity or action names none. */
export class JiraClients {
  private readonly clients: Map<string, JiraClient>;

  constructor(readonly sites: JiraSiteConfig[], options: { wait?: (ms: number) => Promise<void> } = {}) {
    this.clients = new Map(sites.map(s => [s.host.toLowerCase(), new JiraClient(s, options)]));
  }

  /** The host entities use without `jira/host`. */
  get defaultHost(): string | undefined {
    return this.sites[0]?.host;
  }

  /** The client of a site, the default one when `host` is undefined; a 404 naming the host otherwise. */
  forHost(host?: string): JiraClient {
    const name = host?.trim() || this.defaultHost;
    const client = name === undefined ? undefined : this.clients.get(name.toLowerCase());
    if (!client) {
      const known = this.sites.map(s => `'${s.host}'`).join(', ') || 'none';
      throw new NotFoundError(
        name === undefined ? 'No Jira site is configured: add one under integrations.jira' : `No Jira site '${name}' in integrations.jira (configured: ${known})`,
      );
    }
    return client;
  }

  list(): JiraClient[] {
    return [...this.clients.values()];
  }
}
