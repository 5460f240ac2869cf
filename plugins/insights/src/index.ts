/**
 * @portico/plugin-insights: the insights web UI (DORA and pull-request metrics). Install `insightsPlugin` (the default
 * export) in the app with `@portico/plugin-insights-backend`; its tab shows on components, teams, systems and domains.
 */
export { insightsPlugin, insightsPlugin as default } from './plugin';
export { insightsApiRef, type InsightsApi, type InsightsCsvRoute, type InsightsPeriod } from './api/InsightsApi';
export { InsightsClient } from './api/InsightsClient';
