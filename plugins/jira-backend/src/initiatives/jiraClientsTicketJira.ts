import type { JiraClients } from '../integration/JiraClients';
import { jqlString } from '../jql';
import type { InitiativeTicketJira } from './InitiativeTicketJira';

/** InitiativeTicketJira on the package's clients: the site of `host`, the first one without. */
export function jiraClientsTicketJira(clients: JiraClients): InitiativeTicketJira {
  return {
    async findByLabel({ host, projectKey, label, signal }) {
      const client = clients.forHost(host);
      const { issues } = await client.search({
        jql: `project = ${jqlString(projectKey)} AND labels = ${jqlString(label)} ORDER BY created ASC`,
        fields: ['summary'],
        maxItems: 5,
        what: `the initiative ticket labelled ${label}`,
        signal,
      });
      return issues.map(issue => ({ key: issue.key, url: client.issueUrl(issue.key) }));
    },
    async createIssue({ host, signal, ...input }) {
      const { key, url } = await clients.forHost(host).createIssue({ ...input, signal });
      return { key, url };
    },
    async addComment({ host, ...options }) {
      await clients.forHost(host).addComment(options);
    },
    hostOfIssueUrl(url) {
      return clients.list().find(client => url.startsWith(`${client.site.apiBaseUrl.replace(/\/+$/, '')}/browse/`))?.host;
    },
  };
}
