import { minimatch } from 'minimatch';
import { parseAllDocuments } from 'yaml';
import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  ANNOTATION_SOURCE_LOCATION,
  stringifyEntityRef,
  type Entity,
} from '@portico/catalog-model';
import type { DeferredEntity, EntityProviderError } from '@portico/plugin-catalog-node';
import { ANNOTATION_GITHUB_HOST, ANNOTATION_GITHUB_PROJECT_SLUG } from '@portico/plugin-github-common';
import type { GithubClient } from '../integration/GithubClients';
import { githubBlobUrl, resolveGithubUrl } from '../integration/githubUrls';
import type { GithubDiscoveryConfig } from './config';

/** The fields of GitHub's repository object discovery uses. */
export interface RepositoryInfo {
  name: string;
  full_name: string;
  owner: { login: string };
  default_branch?: string;
  archived?: boolean;
  fork: boolean;
  topics?: string[];
  visibility?: string;
  private: boolean;
}

/** What one repository contributed: its entities, the files read and the errors found. */
export interface RepositoryReadResult {
  fullName: string;
  entities: DeferredEntity[];
  errors: EntityProviderError[];
  /** Location keys of every catalog file read, good or bad (to clear old errors). */
  locationKeys: string[];
  files: Array<{ url: string; entities: Entity[]; error?: string }>;
}

/** Largest catalog file read; larger files are an error on their location. */
export const MAX_CATALOG_FILE_BYTES = 1024 * 1024;

/** Why a repository is left out by the provider's filters, or undefined when it is included. */
export function filterReason(repo: RepositoryInfo, filters: GithubDiscoveryConfig['filters']): string | undefined {
  if (filters.repository && !filters.repository.test(repo.name)) return `name does not match ${filters.repository}`;
  if (repo.archived && !filters.allowArchived) return 'archived';
  if (repo.fork && !filters.allowForks) return 'fork';
  const visibility = repo.visibility ?? (repo.private ? 'private' : 'public');
  if (filters.visibility && !filters.visibility.includes(visibility as 'public')) return `visibility ${visibility}`;
  const topics = repo.topics ?? [];
  if (filters.topic?.include?.length && !filters.topic.include.some(t => topics.includes(t))) return 'no included topic';
  if (filters.topic?.exclude?.some(t => topics.includes(t))) return 'excluded topic';
  return undefined;
}

const isGlob = (path: string) => /[*?[\]{}]/.test(path);

/**
 * Catalog files of a repository with their text: one contents request for a plain path (404: none),
 * the recursive tree for a glob. Texts of globbed files are read later.
 */
async function findCatalogFiles(client: GithubClient, repo: RepositoryInfo, ref: string, catalogPath: string): Promise<Array<{ path: string; text?: string }>> {
  const path = catalogPath.replace(/^\/+/, '');
  const [owner, name] = [repo.owner.login, repo.name];
  if (!isGlob(path)) {
    try {
      return [{ path, text: await readText(client, owner, name, path, ref) }];
    } catch (error) {
      if ((error as { status?: number }).status === 404) return [];
      throw error;
    }
  }
  const { data } = await client.rest.git.getTree({ owner, repo: name, tree_sha: ref, recursive: 'true' });
  return data.tree.filter(e => e.type === 'blob' && e.path && minimatch(e.path, path, { dot: true })).map(e => ({ path: e.path! }));
}

async function readText(client: GithubClient, owner: string, repo: string, path: string, ref: string): Promise<string> {
  const response = await client.rest.repos.getContent({ owner, repo, path, ref, mediaType: { format: 'raw' } });
  return typeof response.data === 'string' ? response.data : JSON.stringify(response.data);
}

/** Replaces `$text`, `$json` and `$yaml` placeholders with files read relative to the catalog file. */
async function resolvePlaceholders(value: unknown, base: string, read: (url: string) => Promise<string>): Promise<unknown> {
  if (Array.isArray(value)) return Promise.all(value.map(v => resolvePlaceholders(v, base, read)));
  if (!value || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  if (entries.length === 1 && ['$text', '$json', '$yaml'].includes(entries[0][0]) && typeof entries[0][1] === 'string') {
    const [kind, ref] = entries[0] as [string, string];
    const text = await read(resolveGithubUrl(base, ref));
    if (kind === '$text') return text;
    return kind === '$json' ? JSON.parse(text) : parseAllDocuments(text)[0]?.toJS();
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries) out[k] = await resolvePlaceholders(v, base, read);
  return out;
}

/**
 * Reads one repository's catalog files into entities with location annotations. A malformed file is
 * an error on its location; other files of the repository still count.
 */
export async function readRepository(options: {
  client: GithubClient;
  host: string;
  repo: RepositoryInfo;
  catalogPath: string;
  branch?: string;
}): Promise<RepositoryReadResult> {
  const { client, host, repo } = options;
  const owner = repo.owner.login;
  const ref = options.branch ?? repo.default_branch ?? 'main';
  const result: RepositoryReadResult = { fullName: repo.full_name, entities: [], errors: [], locationKeys: [], files: [] };
  const paths = await findCatalogFiles(client, repo, ref, options.catalogPath);
  for (const { path, text: known } of paths) {
    const url = githubBlobUrl({ host, owner, repo: repo.name, ref, path });
    const locationKey = `url:${url}`;
    result.locationKeys.push(locationKey);
    const file: RepositoryReadResult['files'][number] = { url, entities: [] };
    result.files.push(file);
    const fail = (message: string, reason: EntityProviderError['reason'] = 'parse', entityRef?: string) => {
      result.errors.push({ locationKey, message, reason, ...(entityRef ? { entityRef } : {}) });
      file.error = file.error ? `${file.error}; ${message}` : message;
    };
    let text: string;
    try {
      text = known ?? (await readText(client, owner, repo.name, path, ref));
    } catch (error) {
      fail(`${url} could not be read: ${(error as Error).message}`, 'read');
      continue;
    }
    if (Buffer.byteLength(text) > MAX_CATALOG_FILE_BYTES) {
      fail(`${url} is larger than ${MAX_CATALOG_FILE_BYTES} bytes`, 'read');
      continue;
    }
    const documents = parseAllDocuments(text);
    for (const [index, document] of (Array.isArray(documents) ? documents : [documents]).entries()) {
      if (document.errors.length) {
        fail(`${url}: document ${index + 1} is not valid YAML: ${document.errors[0].message.split('\n')[0]}`);
        continue;
      }
      const raw = document.toJS() as unknown;
      if (raw === null || raw === undefined) continue;
      if (typeof raw !== 'object' || Array.isArray(raw)) {
        fail(`${url}: document ${index + 1} is not an object`);
        continue;
      }
      let value: Record<string, unknown>;
      try {
        value = (await resolvePlaceholders(raw, url, u => readGithubFile(client, u))) as Record<string, unknown>;
      } catch (error) {
        fail(`${url}: document ${index + 1}: ${(error as Error).message}`, 'read');
        continue;
      }
      const metadata = (value.metadata && typeof value.metadata === 'object' ? value.metadata : {}) as Entity['metadata'];
      const dir = path.split('/').slice(0, -1).join('/');
      const entity = {
        ...value,
        metadata: {
          ...metadata,
          annotations: {
            [ANNOTATION_GITHUB_PROJECT_SLUG]: `${owner}/${repo.name}`,
            // an Enterprise repository says where it is, or its facts and card would ask github.com
            ...(host === 'github.com' ? {} : { [ANNOTATION_GITHUB_HOST]: host }),
            [ANNOTATION_SOURCE_LOCATION]: `url:${githubBlobUrl({ host, owner, repo: repo.name, ref, path: dir ? `${dir}/` : '', type: 'tree' })}`,
            ...(metadata.annotations ?? {}),
            [ANNOTATION_LOCATION]: locationKey,
            [ANNOTATION_ORIGIN_LOCATION]: locationKey,
          },
        },
      } as unknown as Entity;
      file.entities.push(entity);
      result.entities.push({ entity, locationKey });
    }
  }
  return result;
}

async function readGithubFile(client: GithubClient, url: string): Promise<string> {
  const { pathname } = new URL(url);
  const [owner, repo, , ref, ...rest] = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  return readText(client, owner, repo, rest.join('/'), ref);
}

/** The ref of a deferred entity, for delta removals. */
export function refOf(deferred: DeferredEntity): string | undefined {
  try {
    return stringifyEntityRef(deferred.entity);
  } catch {
    return undefined;
  }
}
