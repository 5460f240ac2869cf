/** @portico/plugin-insights-backend: the insights plugin (events store, push API, metrics routes) and its modules. */
import type { BackendFeature } from '@portico/backend-plugin-api';
import { insightsScorecardsModule } from './facts/module';
import { insightsPlugin } from './plugin';

/** Every feature of this package; modules whose target plugin is not installed are skipped by the host. */
export const insightsFeatures: BackendFeature[] = [insightsPlugin, insightsScorecardsModule];

export default insightsFeatures;
export { insightsPlugin } from './plugin';
export { insightsScorecardsModule } from './facts/module';
export { insightsConfigSchema, type InsightsConfig } from './config';
export { EventStore, type WriteResult, type DeploymentRow, type PullRequestRow, type IncidentRow } from './database/EventStore';
export { CheckpointStore } from './database/CheckpointStore';
export { validateEvents, type EventKind, type MissingEntities } from './ingest/validate';
export { csvCell, csvTable } from './csv';
export type { MetricsService, EventsWritten, Period } from './metrics/MetricsService';
