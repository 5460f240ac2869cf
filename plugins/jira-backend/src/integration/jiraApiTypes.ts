/** The parts of Jira's REST answers the plugin reads (Cloud v3 and Data Center v2 share them). */

export interface JiraApiUser {
  accountId?: string;
  /** Data Center users have a `name` (and `key`) instead of an `accountId`. */
  name?: string;
  key?: string;
  displayName?: string;
  emailAddress?: string;
  avatarUrls?: Record<string, string>;
}

export interface JiraApiProject {
  id: string;
  key: string;
  name: string;
  lead?: JiraApiUser;
  avatarUrls?: Record<string, string>;
}

export interface JiraApiIssueFields {
  summary?: string;
  issuetype?: { name?: string } | null;
  priority?: { name?: string } | null;
  status?: { name?: string; statusCategory?: { key?: string } } | null;
  assignee?: JiraApiUser | null;
  created?: string;
  resolutiondate?: string | null;
  labels?: string[];
  components?: Array<{ name?: string }>;
  project?: { key?: string };
}

export interface JiraApiIssue {
  id: string;
  key: string;
  fields?: JiraApiIssueFields;
}

/** Cloud `POST /rest/api/3/search/jql`. */
export interface JiraEnhancedSearchResponse {
  issues?: JiraApiIssue[];
  nextPageToken?: string;
  isLast?: boolean;
}

/** Data Center `GET /rest/api/2/search`. */
export interface JiraOffsetSearchResponse {
  issues?: JiraApiIssue[];
  startAt?: number;
  maxResults?: number;
  total?: number;
}
