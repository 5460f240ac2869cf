import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { coreServices, createBackendPlugin, extensionPointRuntimeMethods } from '@portico/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@portico/catalog-model';
import { InputError, ServiceUnavailableError } from '@portico/errors';
import { CATALOG_ENTITIES_CHANGED_TOPIC, CATALOG_LOAD_FINISHED_TOPIC, catalogKindsExtensionPoint, catalogServiceRef, type CatalogEntitiesChangedPayload } from '@portico/plugin-catalog-node';
import { SCORECARD_API_VERSION, SCORECARD_KIND, scorecardsPermissions } from '@portico/plugin-scorecards-common';
import { factTypeSchema, scorecardsConfigSchema } from './config';
import { ExemptionStore } from './database/ExemptionStore';
import { FactStore } from './database/FactStore';
import { InitiativeStore } from './database/InitiativeStore';
import { migrations } from './database/migrations';
import { NotificationStore } from './database/NotificationStore';
import { PendingEvaluationStore } from './database/PendingEvaluationStore';
import { ResultStore } from './database/ResultStore';
import { InitiativeActionStore } from './database/InitiativeActionStore';
import {
  scorecardsFactCollectorsExtensionPoint,
  scorecardsInitiativeActionsExtensionPoint,
  scorecardsRuleTypesExtensionPoint,
  type CollectNowResult,
  type FactCollector,
  type InitiativeAction,
  type ScorecardsFactCollectorsExtensionPoint,
  type RuleType,
} from './extensions';
import { createRouter } from './router';
import { CatalogLoadGate, MAX_LOAD_DEFERRAL_MS } from './service/CatalogLoadGate';
import { catalogFactCollector } from './service/catalogFactCollector';
import { EvaluationCoverage } from './service/EvaluationCoverage';
import { backgroundPause, backgroundStart, EvaluationQueue } from './service/EvaluationQueue';
import { EvaluationService } from './service/EvaluationService';
import { ExemptionService } from './service/ExemptionService';
import { InitiativeActionRunner, isRetryAfterUncertainMs } from './service/InitiativeActionRunner';
import { InitiativeService } from './service/InitiativeService';
import { catalogAddressResolver } from './service/notifications/catalogAddresses';
import { EmailChannel } from './service/notifications/EmailChannel';
import { InPortalChannel } from './service/notifications/InPortalChannel';
import type { NotificationChannel } from './service/notifications/NotificationChannel';
import { Notifier } from './service/notifications/Notifier';
import { SlackWebhookChannel } from './service/notifications/SlackWebhookChannel';
import { builtinRuleTypes } from './service/ruleTypes';
import { createScorecardSpecSchema } from './service/scorecardSchema';
import { catalogFromApi } from './service/ScorecardsCatalog';
import { ScorecardRegistry } from './service/ScorecardRegistry';
import { ScorecardsService } from './service/ScorecardsService';
import { isTransientFailure } from './service/transientFailure';

const isScorecardRef = (ref: string) => ref.startsWith(`${SCORECARD_KIND.toLowerCase()}:`);

/**
 * The scheduled check takes up the queued entities no instance holds once first queued this long ago: those of an
 * instance that died (a live one evaluates its own sooner; were it still on them, claims keep them from running twice).
 */
const ORPHANED_AFTER_MS = 60_000;

/** How long one run of the initiative actions takes up new entities (its task's timeout is a minute). */
const INITIATIVE_ACTIONS_RUN_BUDGET_MS = 40_000;

/**
 * Scorecards: rule types and fact collectors by extension point, Scorecard entities in the
 * catalog, evaluation on schedule and on change, stored results and the REST API.
 */
export const scorecardsPlugin = createBackendPlugin({
  pluginId: 'scorecards',
  configSchema: scorecardsConfigSchema,
  register(env) {
    const ruleTypes = new Map<string, RuleType<unknown>>();
    const collectors: FactCollector[] = [];
    const addRuleType = (ruleType: RuleType<unknown>) => {
      if (ruleTypes.has(ruleType.type)) throw new Error(`Scorecard rule type '${ruleType.type}' is registered twice`);
      ruleTypes.set(ruleType.type, ruleType);
    };
    const addFactCollector = (collector: FactCollector) => {
      if (collectors.some(c => c.id === collector.id)) throw new Error(`Scorecard fact collector '${collector.id}' is registered twice`);
      collectors.push(collector);
    };
    const initiativeActions = new Map<string, InitiativeAction<unknown>>();
    const addInitiativeAction = (action: InitiativeAction<unknown>) => {
      if (initiativeActions.has(action.type)) throw new Error(`Initiative action type '${action.type}' is registered twice`);
      const delay = action.retryAfterUncertainMs;
      if (delay !== undefined && !isRetryAfterUncertainMs(delay)) {
        throw new Error(`Initiative action type '${action.type}': retryAfterUncertainMs must be a number of milliseconds, 0 or more`);
      }
      initiativeActions.set(action.type, action);
    };
    builtinRuleTypes.forEach(addRuleType);
    addFactCollector(catalogFactCollector);
    env.registerExtensionPoint(scorecardsRuleTypesExtensionPoint, {
      addRuleType: ruleType => addRuleType(ruleType as RuleType<unknown>),
    });
    // collectNow is bound once the plugin runs; it is the one method modules may call at run time
    let collectNow: ((entityRef: string, collector?: string) => Promise<CollectNowResult>) | undefined;
    const collectorsPoint: ScorecardsFactCollectorsExtensionPoint & { [extensionPointRuntimeMethods]: readonly string[] } = {
      addFactCollector,
      async collectNow(entityRef, options) {
        if (!collectNow) throw new ServiceUnavailableError('scorecards has not started yet: collectNow works at run time, not during init');
        let ref: string;
        try {
          ref = stringifyEntityRef(parseEntityRef(entityRef));
        } catch (error) {
          throw new InputError(`entityRef: ${(error as Error).message}`);
        }
        return collectNow(ref, options?.collector);
      },
      [extensionPointRuntimeMethods]: ['collectNow'],
    };
    env.registerExtensionPoint(scorecardsFactCollectorsExtensionPoint, collectorsPoint);
    env.registerExtensionPoint(scorecardsInitiativeActionsExtensionPoint, {
      addInitiativeAction: action => addInitiativeAction(action as InitiativeAction<unknown>),
    });

    env.registerInit({
      deps: {
        logger: coreServices.logger,
        rootConfig: coreServices.rootConfig,
        database: coreServices.database,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auditor: coreServices.auditor,
        auth: coreServices.auth,
        scheduler: coreServices.scheduler,
        lifecycle: coreServices.lifecycle,
        events: coreServices.events,
        catalogKinds: catalogKindsExtensionPoint,
        catalogApi: catalogServiceRef,
      },
      async init(
        { logger, rootConfig, database, httpRouter, httpAuth, permissions, permissionsRegistry, auditor, auth, scheduler, lifecycle, events, catalogKinds, catalogApi },
        { pluginConfig: settings },
      ) {
        // scorecards.exemption.decide is about a Scorecard: the catalog's catalog-entity resource type
        // Scorecards live in the catalog; the catalog checks them with the full spec schema. Added before any
        // service is used, so `portico catalog validate` loads the kind without starting the plugin.
        catalogKinds.addKind({
          apiVersions: [SCORECARD_API_VERSION],
          kind: SCORECARD_KIND,
          specSchema: createScorecardSpecSchema(ruleTypes),
          description: 'A set of rules with levels that entities are measured against.',
          relations: entity => {
            const owner = entity.spec?.owner;
            return typeof owner === 'string' && owner ? [{ type: 'ownedBy', targetRef: owner, defaultKind: 'group' }] : [];
          },
        });
        permissionsRegistry.addPermissions(scorecardsPermissions);

        await database.migrate(migrations);
        const knex = await database.getClient();
        const stores = {
          facts: new FactStore(knex),
          results: new ResultStore(knex),
          exemptions: new ExemptionStore(knex),
          initiatives: new InitiativeStore(knex),
          notifications: new NotificationStore(knex),
          initiativeActions: new InitiativeActionStore(knex),
          pending: new PendingEvaluationStore(knex),
        };

        const catalog = catalogFromApi(catalogApi, async () => {
          const { token } = await auth.getPluginRequestToken({ onBehalfOf: await auth.getOwnServiceCredentials(), targetPluginId: 'catalog' });
          return token || undefined;
        });
        const channels: NotificationChannel[] = [new InPortalChannel(stores.notifications)];
        if (settings.notifications.slack) channels.push(new SlackWebhookChannel(settings.notifications.slack));
        const email = settings.notifications.email
          ? new EmailChannel({ ...settings.notifications.email, resolveAddresses: catalogAddressResolver(catalog) })
          : undefined;
        if (email) channels.push(email);
        const notifier = new Notifier(channels, logger);
        const registry = new ScorecardRegistry(catalog, ruleTypes, logger);
        const evaluation = new EvaluationService({
          catalog,
          registry,
          facts: stores.facts,
          results: stores.results,
          exemptions: stores.exemptions,
          collectors,
          notifier,
          logger,
          factTypes: Object.fromEntries(Object.entries(settings.factTypes).map(([name, type]) => [name, factTypeSchema(type)])),
          defaultScheduleMs: settings.defaultSchedule,
          // the entities whose facts changed are recorded as waiting with the facts (entityQueue exists by the time
          // anything is collected or pushed: the routes and schedules start after it)
          recordChanged: (tx, refs) => entityQueue.recordWithin(tx, refs),
        });
        // Every evaluation the catalog's first load causes waits for its end (30 s at most): it would compete with it.
        const loadGate = new CatalogLoadGate(MAX_LOAD_DEFERRAL_MS, ({ heldMs, timedOut }) =>
          logger.info(`Evaluations resumed ${timedOut ? `after waiting ${heldMs} ms for the catalog's first load (the most they wait)` : `when the catalog's first load finished (held ${heldMs} ms)`}`),
        );
        // A changed Scorecard is evaluated whole; the changed entities such an evaluation saw are not evaluated on it again.
        const coverage = new EvaluationCoverage();
        const scorecardQueue = new EvaluationQueue(async refs => {
          for (const ref of refs) {
            try {
              const scorecard = await registry.get(ref);
              await backgroundStart(); // the requests being answered first (a whole evaluation reads every entity it covers)
              await coverage.wholeEvaluation(ref, () => evaluation.evaluateScorecard(scorecard, { between: backgroundPause }));
            } catch (error) {
              // the queue evaluates it again once the database is back (a changed scorecard has no other trigger)
              if (isTransientFailure(error)) throw error;
              logger.warn(`Scorecard ${ref} was not evaluated: ${(error as Error).message}`);
            }
          }
        }, logger, undefined, undefined, loadGate).publishDepth('scorecards');
        // What waits for the load, then for the changed Scorecards' whole evaluations: changed entities (those
        // evaluations cover them), due scorecards and collectors.
        const afterLoad = loadGate.followedBy(scorecardQueue);
        const entityQueue = new EvaluationQueue(
          async refs => {
            const at = coverage.now;
            await evaluation.evaluateEntities(refs, undefined, { covered: (card, ref) => coverage.covers(card, ref) });
            coverage.evaluated(refs, at);
          },
          logger,
          undefined,
          undefined,
          afterLoad,
          refs => coverage.entitiesChanged(refs),
          // in the database until evaluated: an instance killed meanwhile leaves them to the next (see PendingEvaluationStore)
          { store: stores.pending, owner: `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}` },
        ).publishDepth('entities');
        collectNow = async (ref, collector) => {
          const result = await evaluation.collectNow(ref, collector);
          if (result.changed) await entityQueue.add([result.entityRef], { recorded: evaluation.recordsChanged });
          return result;
        };
        const exemptions = new ExemptionService({
          store: stores.exemptions,
          registry,
          catalog,
          notifier,
          onDecided: exemption => entityQueue.enqueue([exemption.entityRef]),
        });
        const initiatives = new InitiativeService({
          store: stores.initiatives,
          results: stores.results,
          registry,
          catalog,
          notifier,
          reminderIntervalMs: settings.reminderInterval,
          actionTypes: initiativeActions,
          actionStates: stores.initiativeActions,
        });
        const initiativeActionRunner = new InitiativeActionRunner({
          initiatives,
          store: stores.initiatives,
          states: stores.initiativeActions,
          results: stores.results,
          catalog,
          actionTypes: initiativeActions,
          logger,
          baseUrl: rootConfig.getOptionalString('backend.baseUrl')?.replace(/\/+$/, ''),
          runBudgetMs: INITIATIVE_ACTIONS_RUN_BUDGET_MS,
        });
        const service = new ScorecardsService({
          registry,
          evaluation,
          exemptions,
          initiatives,
          results: stores.results,
          facts: stores.facts,
          notifications: stores.notifications,
          queue: entityQueue,
        });
        httpRouter.use(createRouter({ service, httpAuth, permissions, auditor }));

        // Subscribed before the changes (below), so that a load announced as in progress is seen to end.
        await events.subscribe({
          id: 'scorecards-catalog-load',
          topics: [CATALOG_LOAD_FINISHED_TOPIC],
          delivery: 'every-instance',
          onEvent: async () => loadGate.release(),
        });

        // On change: only the changed entities are re-evaluated; a changed Scorecard is re-run whole.
        // Every instance forgets its parsed scorecards when one changes (its own cache); the evaluation they cause
        // runs once across instances (below).
        await events.subscribe({
          id: 'scorecards-registry',
          topics: [CATALOG_ENTITIES_CHANGED_TOPIC],
          delivery: 'every-instance',
          onEvent: async ({ payload }) => {
            const { added = [], updated = [], removed = [] } = (payload ?? {}) as Partial<CatalogEntitiesChangedPayload>;
            if ([...added, ...updated, ...removed].some(isScorecardRef)) registry.invalidate();
          },
        });
        await events.subscribe({
          id: 'scorecards',
          topics: [CATALOG_ENTITIES_CHANGED_TOPIC],
          delivery: 'once',
          onEvent: async ({ payload }) => {
            const { added = [], updated = [], removed = [], loading } = (payload ?? {}) as Partial<CatalogEntitiesChangedPayload>;
            if (loading) loadGate.hold();
            const changedCards = [...added, ...updated].filter(isScorecardRef);
            const removedCards = removed.filter(isScorecardRef);
            if (changedCards.length || removedCards.length) registry.invalidate();
            for (const ref of removedCards) await stores.results.deleteScorecard(ref);
            scorecardQueue.enqueue(changedCards);
            // recorded before the event is acknowledged (this handler returns): a kill before they are evaluated loses none
            await entityQueue.add([...added, ...updated, ...removed].filter(ref => !isScorecardRef(ref)));
          },
        });
        // What a previous process queued and did not evaluate (it was killed): evaluated after the first load, like any
        // change. On SQLite that process is gone for sure (one instance per data directory), even if its claims hold.
        lifecycle.addStartupHook(() => {
          afterLoad
            .wait()
            .then(() => entityQueue.recover({ includeClaimed: stores.pending.singleInstance }))
            .then(
              n => {
                if (n) logger.info(`Re-evaluating ${n} changed entities a previous process queued and did not evaluate`);
              },
              error => logger.error('Reading the changed entities a previous process queued failed; the scheduled check takes them up', error instanceof Error ? error : { error: String(error) }),
            );
        });

        await scheduler.scheduleTask({
          id: 'scorecards-evaluate-due',
          frequency: { duration: { milliseconds: settings.evaluationCheckInterval } },
          initialDelay: 'PT5S',
          timeout: 'PT30M',
          scope: 'global',
          fn: async () => {
            // after the load and the whole evaluations it caused (a Scorecard the load added is due, and evaluated by then)
            await afterLoad.wait();
            // An expired exemption stops counting: re-evaluate its entity (each expiry once, on whichever instance).
            const expired = await stores.exemptions.takeExpired(Date.now());
            await entityQueue.add(expired.map(e => e.entityRef));
            // queued entities no instance holds: left by an instance that died while the others kept running
            await entityQueue.recover({ queuedBefore: Date.now() - ORPHANED_AFTER_MS });
            await evaluation.runDueScorecards({ between: backgroundPause });
          },
        });
        for (const collector of collectors) {
          await scheduler.scheduleTask({
            id: `scorecards-collect-${collector.id}`,
            frequency: { duration: collector.schedule ?? { milliseconds: settings.collectorSchedule } },
            initialDelay: 'PT10S',
            timeout: 'PT30M',
            scope: 'global',
            fn: async signal => {
              await afterLoad.wait();
              // background work: a pause after each slice of facts stored, as long as it took
              await entityQueue.add(await evaluation.runCollector(collector, signal, { between: backgroundPause }), { recorded: evaluation.recordsChanged });
            },
          });
        }
        // Initiative actions (tickets and the like) follow the stored results; one instance at a time. A run takes up
        // entities for INITIATIVE_ACTIONS_RUN_BUDGET_MS and the next one goes on: the timeout is also how long the
        // lease of an instance that crashed mid-run keeps the task from running anywhere, so it stays short.
        await scheduler.scheduleTask({
          id: 'scorecards-initiative-actions',
          frequency: { duration: { milliseconds: settings.evaluationCheckInterval } },
          initialDelay: 'PT30S',
          timeout: 'PT1M',
          scope: 'global',
          fn: async signal => {
            const summary = await initiativeActionRunner.runAll(signal);
            if (summary.opened + summary.updated + summary.passed + summary.failed + summary.closed) logger.info(`Initiative actions: ${JSON.stringify(summary)}`);
          },
        });
        const retentionMs = settings.factRetention;
        await scheduler.scheduleTask({
          id: 'scorecards-maintenance',
          frequency: { duration: 'PT1H' },
          initialDelay: 'PT1M',
          timeout: 'PT30M',
          scope: 'global',
          fn: async () => {
            const pruned = await stores.facts.pruneHistory(Date.now() - retentionMs);
            if (pruned) logger.info(`Pruned ${pruned} fact history rows older than ${retentionMs} ms (scorecards.factRetention)`);
            await initiatives.sendReminders();
          },
        });
        lifecycle.addShutdownHook(
          async () => {
            entityQueue.stop();
            scorecardQueue.stop();
            email?.close();
            // what this instance had claimed goes to the others (or the next process) at once, not when the claims end
            await entityQueue.release().catch(error => logger.warn(`Releasing the claimed entity evaluations failed: ${(error as Error).message}`));
          },
          { label: 'scorecards: stop evaluation queues' },
        );
      },
    });
  },
});
