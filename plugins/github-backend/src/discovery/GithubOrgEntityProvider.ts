import type { LoggerService } from '@portico/backend-plugin-api';
import { ANNOTATION_LOCATION, ANNOTATION_ORIGIN_LOCATION, type Entity } from '@portico/catalog-model';
import type { DeferredEntity, EntityProvider, EntityProviderConnection } from '@portico/plugin-catalog-node';
import { ANNOTATION_GITHUB_TEAM_SLUG, ANNOTATION_GITHUB_USER_LOGIN } from '@portico/plugin-github-common';
import type { GithubClients } from '../integration/GithubClients';
import type { GithubOrgConfig } from './config';

interface TeamInfo {
  slug: string;
  name: string;
  description?: string | null;
  html_url?: string;
  parent?: { slug: string } | null;
}

interface UserInfo {
  login: string;
  avatar_url?: string;
  html_url?: string;
}

/** Entity names allow letters, digits, `-`, `_` and `.`; GitHub logins and slugs already fit. */
const entityName = (value: string) => value.replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 63);

/** Builds the Group and User entities of an organisation from its teams and members. */
export function buildOrgEntities(options: {
  host: string;
  org: string;
  teams: TeamInfo[];
  teamMembers: Map<string, UserInfo[]>;
  members: UserInfo[];
}): DeferredEntity[] {
  const { host, org } = options;
  const locationKey = `url:https://${host}/orgs/${org}`;
  const annotations = (extra: Record<string, string>) => ({ ...extra, [ANNOTATION_LOCATION]: locationKey, [ANNOTATION_ORIGIN_LOCATION]: locationKey });
  const memberOf = new Map<string, string[]>();
  const groups: Entity[] = options.teams.map(team => {
    const members = (options.teamMembers.get(team.slug) ?? []).map(m => entityName(m.login));
    for (const m of members) memberOf.set(m, [...(memberOf.get(m) ?? []), entityName(team.slug)]);
    return {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: {
        name: entityName(team.slug),
        title: team.name,
        ...(team.description ? { description: team.description } : {}),
        annotations: annotations({ [ANNOTATION_GITHUB_TEAM_SLUG]: `${org}/${team.slug}` }),
        ...(team.html_url ? { links: [{ url: team.html_url, title: 'GitHub team' }] } : {}),
      },
      spec: {
        type: 'team',
        profile: { displayName: team.name },
        ...(team.parent?.slug ? { parent: entityName(team.parent.slug) } : {}),
        children: options.teams.filter(t => t.parent?.slug === team.slug).map(t => entityName(t.slug)),
        members,
      },
    };
  });
  const seen = new Set<string>();
  const users: Entity[] = [];
  for (const user of [...options.members, ...[...options.teamMembers.values()].flat()]) {
    const name = entityName(user.login);
    if (seen.has(name)) continue;
    seen.add(name);
    users.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'User',
      metadata: { name, annotations: annotations({ [ANNOTATION_GITHUB_USER_LOGIN]: user.login }) },
      spec: { profile: { displayName: user.login, ...(user.avatar_url ? { picture: user.avatar_url } : {}) }, memberOf: memberOf.get(name) ?? [] },
    });
  }
  return [...groups, ...users].map(entity => ({ entity, locationKey }));
}

/** `catalog.providers.githubOrg.<id>`: teams as Groups (with parent/children), members as Users. */
export class GithubOrgEntityProvider implements EntityProvider {
  private connection: EntityProviderConnection | undefined;

  constructor(
    readonly config: GithubOrgConfig,
    private readonly clients: GithubClients,
    private readonly logger: LoggerService,
  ) {}

  getProviderName(): string {
    return `github-org-provider:${this.config.id}`;
  }

  owns(host: string, org: string): boolean {
    return host === this.config.host && org.toLowerCase() === this.config.organization.toLowerCase();
  }

  /** Starts the first read as soon as the catalog connects; later reads come from the schedule and webhooks. */
  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
    void this.run();
  }

  /** Reads teams and members; a failure changes nothing in the catalog. */
  async run(): Promise<number | undefined> {
    if (!this.connection) return undefined;
    const org = this.config.organization;
    const client = this.clients.forHost(this.config.host);
    try {
      const teams = (await client.paginate(client.rest.teams.list, { org, per_page: 100 })) as TeamInfo[];
      const teamMembers = new Map<string, UserInfo[]>();
      for (const team of teams) {
        teamMembers.set(team.slug, (await client.paginate(client.rest.teams.listMembersInOrg, { org, team_slug: team.slug, per_page: 100 })) as UserInfo[]);
      }
      const members = (await client.paginate(client.rest.orgs.listMembers, { org, per_page: 100 })) as UserInfo[];
      const entities = buildOrgEntities({ host: this.config.host, org, teams, teamMembers, members });
      await this.connection.applyMutation({ type: 'full', entities });
      this.logger.info(`GitHub org ${org}: ${teams.length} teams, ${entities.length - teams.length} users`);
      return entities.length;
    } catch (error) {
      this.logger.error(`GitHub org import of ${org} failed, the catalog keeps its groups and users: ${(error as Error).message}`);
      return undefined;
    }
  }

  async refresh(keys: string[]): Promise<void> {
    if (keys.includes(`url:https://${this.config.host}/orgs/${this.config.organization}`)) await this.run();
  }
}
