/** An issue the initiative tickets found or created. */
export interface InitiativeTicket {
  key: string;
  /** The issue in Jira's web UI. */
  url: string;
}

/**
 * What initiative tickets need from Jira, on the site of `host` (the first `integrations.jira` site without one).
 * Descriptions and comments are markdown; the implementation writes them as Jira expects them (ADF on Cloud,
 * wiki text on Data Center).
 */
export interface InitiativeTicketJira {
  /** Issues of a project carrying a label (the initiative's idempotency label), oldest first. */
  findByLabel(options: { host?: string; projectKey: string; label: string; signal?: AbortSignal }): Promise<InitiativeTicket[]>;
  createIssue(options: {
    host?: string;
    projectKey: string;
    issueType: string;
    summary: string;
    descriptionMarkdown: string;
    labels: string[];
    signal?: AbortSignal;
  }): Promise<InitiativeTicket>;
  addComment(options: { host?: string; issueKey: string; bodyMarkdown: string; signal?: AbortSignal }): Promise<void>;
  /** The configured site an issue URL is on (undefined: none, or the default site). */
  hostOfIssueUrl?(url: string): string | undefined;
}
