/**
 * @portico/plugin-scorecards-backend: the scorecards plugin. Default export: the plugin.
 */
import { scorecardsPlugin } from './plugin';

export { scorecardsPlugin };
export {
  scorecardsRuleTypesExtensionPoint,
  scorecardsFactCollectorsExtensionPoint,
  type RuleType,
  type RuleEvaluationContext,
  type ScorecardsRuleTypesExtensionPoint,
  type FactCollector,
  type CollectedFacts,
  type ScorecardsFactCollectorsExtensionPoint,
  scorecardsInitiativeActionsExtensionPoint,
  type InitiativeAction,
  type InitiativeActionContext,
  type InitiativeFailingRule,
  type ScorecardsInitiativeActionsExtensionPoint,
} from './extensions';
export { builtinRuleTypes, readFact } from './service/ruleTypes';
export { catalogFactCollector, catalogFacts } from './service/catalogFactCollector';
export { scorecardsConfigSchema, type ScorecardsConfig } from './config';
export type { NotificationChannel, OutgoingNotification } from './service/notifications/NotificationChannel';
export default scorecardsPlugin;
