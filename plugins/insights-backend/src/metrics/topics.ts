/**
 * Published on the events bus (coreServices.events) after a write changed the metrics of entities, with payload
 * `{ entityRefs: string[] }`: the scorecards module (src/facts/module.ts) collects those entities' facts at once.
 */
export const INSIGHTS_METRICS_CHANGED_TOPIC = 'insights.metrics.changed';

export interface InsightsMetricsChangedEvent {
  entityRefs: string[];
}
