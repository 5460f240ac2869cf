import type { IncidentEvent } from '@portico/plugin-insights-common';
import type { PdIncident } from '../service/pagerdutyApiTypes';

/** The `source` of the incidents this package writes to insights. */
export const PAGERDUTY_INSIGHTS_SOURCE = 'pagerduty';

/**
 * A PagerDuty incident as insights incidents, one per entity its service is mapped to: the first entity (by ref)
 * gets the incident's id, the others `<id>:<entityRef>`, so an incident of a service shared by two components counts
 * for both. Resolved at `resolved_at` (or the last status change) when resolved; severity is the priority's name
 * where the account uses priorities, else the urgency.
 */
export function toIncidentEvents(incident: PdIncident, entityRefs: readonly string[]): IncidentEvent[] {
  const resolved = incident.status === 'resolved' ? (incident.resolved_at ?? incident.last_status_change_at ?? null) : null;
  // a clock PagerDuty rounds differently must not make the incident end before it began
  const resolvedAt = resolved && Date.parse(resolved) < Date.parse(incident.created_at) ? incident.created_at : resolved;
  const severity = incident.priority?.name || incident.priority?.summary || incident.urgency || null;
  return [...entityRefs].sort().map((entityRef, i) => ({
    id: i === 0 ? incident.id : `${incident.id}:${entityRef}`,
    entityRef,
    openedAt: incident.created_at,
    resolvedAt,
    severity,
    source: PAGERDUTY_INSIGHTS_SOURCE,
  }));
}
