/**
 * @portico/plugin-pagerduty: the PagerDuty web UI. Install `pagerdutyPlugin` (the default export) in the app; its
 * card and tab show only on entities annotated `pagerduty.com/service-id` or `pagerduty.com/integration-key`.
 */
export { pagerdutyPlugin, pagerdutyPlugin as default } from './plugin';
export { pagerdutyApiRef, type PagerDutyApi } from './api/PagerDutyApi';
export { PagerDutyClient } from './api/PagerDutyClient';
