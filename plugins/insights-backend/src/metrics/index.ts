import type { AuthService, EventsService, LoggerService } from '@portico/backend-plugin-api';
import type { CatalogApi } from '@portico/plugin-catalog-common';
import { DEFAULT_PRODUCTION_ENVIRONMENTS } from '@portico/plugin-insights-common';
import { DefaultMetricsService } from './DefaultMetricsService';
import type { MetricsService } from './MetricsService';
import type { Knex } from './rows';
import { ScopeResolver } from './scopes';

export type { DefinitionsReconciled, EventsWritten, MetricsService, Period } from './MetricsService';
export { INSIGHTS_METRICS_CHANGED_TOPIC, type InsightsMetricsChangedEvent } from './topics';
export { registerFactsRoute, insightsFactsRequestSchema, insightsFactsResponseSchema } from './factsRouter';

export interface MetricsServiceDeps {
  /** The insights plugin's database (events tables and the metrics' derived tables, see ./migrations.ts). */
  db: Knex;
  /** The catalog (catalogServiceRef): scopes are resolved through it with the caller's token. */
  catalog: CatalogApi;
  /** For a plugin token to the catalog when a request carries no user token (facts, tasks). */
  auth: AuthService;
  config: {
    /** Environments counting as production (insights.productionEnvironments). */
    productionEnvironments: string[];
    /** insights.failureWindow in ms. */
    failureWindowMs: number;
  };
  logger: LoggerService;
  /** When given, each write publishes `insights.metrics.changed` { entityRefs } so scorecards collect facts at once. */
  events?: EventsService;
}

/** The metrics engine over the events store; the plugin wires it to the routes and calls `eventsWritten` after writes. */
export function createMetricsService(deps: MetricsServiceDeps): MetricsService {
  const productionEnvironments = deps.config.productionEnvironments.length ? deps.config.productionEnvironments : DEFAULT_PRODUCTION_ENVIRONMENTS;
  return new DefaultMetricsService(deps.db, new ScopeResolver(deps.catalog, deps.auth), { productionEnvironments, failureWindowMs: deps.config.failureWindowMs }, deps.events, deps.logger);
}
