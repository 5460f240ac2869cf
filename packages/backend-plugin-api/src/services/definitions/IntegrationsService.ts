import type { ZodType } from 'zod';
import type { HealthCheckResult } from './HealthService';

/** The result of reading one URL. */
export interface ReadUrlResult {
  /** The file's text (UTF-8). */
  text: string;
  /** The URL that was read, after redirects. */
  url: string;
  /** An opaque version tag, if the source has one, to skip unchanged reads. */
  etag?: string;
}

export interface ReadUrlOptions {
  signal?: AbortSignal;
  /** Refuse files larger than this, with an InputError naming the URL. */
  maxBytes?: number;
  /** If the source still has this etag, it may answer with `notModified: true`. */
  etag?: string;
}

/** One file of a tree read. */
export interface ReadTreeFile {
  path: string;
  content(): Promise<Buffer>;
}

/**
 * An integration provider (GitHub, a local file root, ...). `serves(url)` decides which
 * provider handles a URL; the optional capabilities say what else it offers.
 */
export interface IntegrationProvider {
  /** e.g. `file`, `github` */
  id: string;
  /** zod schema of `integrations.<id>` in app-config; checked at startup. */
  configSchema?: ZodType;
  /** Hosts or URL patterns this provider serves, for listings and error messages. */
  describeTargets(): string[];
  serves(url: URL): boolean;
  readUrl?(url: string, options?: ReadUrlOptions): Promise<ReadUrlResult & { notModified?: boolean }>;
  /** Lists the files under a directory URL (for skeletons, globbed catalog files). */
  readTree?(url: string, options?: { signal?: AbortSignal }): Promise<ReadTreeFile[]>;
  /** Resolves a relative reference against a base URL (`./api.yaml` next to `catalog-info.yaml`). */
  resolveUrl?(options: { base: string; url: string }): string;
  health?(): Promise<HealthCheckResult>;
  /** Open-ended capabilities (fact collectors, workflow actions) for plugins that know them. */
  capabilities?: Record<string, unknown>;
}

/** The `core.integrations` extension point: contributors add providers. */
export interface IntegrationsExtensionPoint {
  addProvider(provider: IntegrationProvider): void;
}

/** Reads URLs through whichever provider serves them. */
export interface IntegrationsService {
  /** The provider serving a URL, or undefined. */
  providerFor(url: string): IntegrationProvider | undefined;
  /** Reads a URL; an InputError (400) when no provider serves it or it lies outside allowed roots. */
  readUrl(url: string, options?: ReadUrlOptions): Promise<ReadUrlResult & { notModified?: boolean }>;
  readTree(url: string, options?: { signal?: AbortSignal }): Promise<ReadTreeFile[]>;
  /** Resolves `url` relative to `base` using the provider of `base`. */
  resolveUrl(options: { base: string; url: string }): string;
  listProviders(): IntegrationProvider[];
}
