/** Published by the pagerduty plugin after a saved mapping changes; the catalog module refreshes the entities named. */
export const PAGERDUTY_MAPPING_CHANGED_TOPIC = 'pagerduty.mapping.changed';

/** The payload of `pagerduty.mapping.changed`: the service, and the entities it was and is now mapped to. */
export interface PagerDutyMappingChangedEvent {
  account: string;
  serviceId: string;
  /** The entity it is mapped to now (null when forgotten) and, when different, the one it was mapped to before. */
  entityRefs: string[];
}
