import { coreServices, createBackendModule } from '@portico/backend-plugin-api';
import { scorecardsFactCollectorsExtensionPoint } from '@portico/plugin-scorecards-node';
import { INSIGHTS_METRICS_CHANGED_TOPIC, type InsightsMetricsChangedEvent } from '../metrics/topics';
import { createInsightsFactCollector } from './InsightsFactCollector';

/** Most entities waiting for an immediate collection; more written at once wait for the hourly run. */
const MAX_PENDING = 1000;

/**
 * `scorecards.factCollectors`: the 30-day insights values of each component as facts (insights.deploysPerWeek,
 * insights.leadTimeHours, insights.changeFailureRate, insights.timeToRestoreHours, insights.prCycleTimeHours,
 * insights.reviewedShare), read hourly and on catalog changes, and at once for the entities a write changed (the
 * insights plugin publishes `insights.metrics.changed`), so a pushed deployment reaches scorecards within seconds.
 */
export const insightsScorecardsModule = createBackendModule({
  pluginId: 'scorecards',
  moduleId: 'insights',
  register(env) {
    env.registerInit({
      deps: {
        collectors: scorecardsFactCollectorsExtensionPoint,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        events: coreServices.events,
        logger: coreServices.logger,
      },
      async init({ collectors, discovery, auth, events, logger }) {
        collectors.addFactCollector(createInsightsFactCollector({ discovery, auth }));
        // Entities waiting for collection, taken one at a time so a large write neither blocks the publisher (in
        // process, publish waits for its subscribers) nor floods the catalog; beyond the cap the hourly run catches up.
        const pending = new Set<string>();
        let running = false;
        const drain = async () => {
          if (running) return;
          running = true;
          try {
            for (let next = pending.values().next(); !next.done; next = pending.values().next()) {
              const entityRef = next.value;
              pending.delete(entityRef);
              try {
                await collectors.collectNow(entityRef, { collector: 'insights' });
              } catch (error) {
                // An entity not in the catalog (events pushed before it was registered) has no facts to keep.
                logger.debug(`insights facts of ${entityRef} not collected now: ${(error as Error).message}`);
              }
            }
          } finally {
            running = false;
          }
        };
        await events.subscribe({
          id: 'scorecards-insights-facts',
          topics: [INSIGHTS_METRICS_CHANGED_TOPIC],
          delivery: 'once',
          onEvent: ({ payload }) => {
            const refs = (payload as InsightsMetricsChangedEvent | undefined)?.entityRefs ?? [];
            for (const entityRef of refs) if (pending.size < MAX_PENDING && typeof entityRef === 'string') pending.add(entityRef);
            void drain();
          },
        });
      },
    });
  },
});
