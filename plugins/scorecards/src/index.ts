/**
 * @portico/plugin-scorecards: the scorecards web UI. Install `scorecardsPlugin` (the default export) in the
 * app; other plugins read scorecards through `useApi(scorecardsApiRef)`.
 */
export { scorecardsPlugin, scorecardsPlugin as default, SCORED_KINDS } from './plugin';
export {
  scorecardsApiRef,
  type ScorecardsApi,
  type ScorecardResultRow,
  type GetResultsRequest,
  type RequestExemptionRequest,
} from './api/ScorecardsApi';
export { ScorecardsClient } from './api/ScorecardsClient';
// Pages and the tab are not exported: they reach the app only through the plugin's lazy extensions.
