import { createBackendPlugin } from '@portico/backend-plugin-api';
import { scorecardsFactCollectorsExtensionPoint, type FactCollector } from '@portico/plugin-scorecards-node';
import { startTestBackend } from '@portico/test-utils';
import githubFeatures, { githubPlugin, githubScorecardsModule } from './index';

/** A stand-in scorecards plugin that keeps the collectors it is given. */
function scorecardsStandIn(collectors: FactCollector[]) {
  return createBackendPlugin({
    pluginId: 'scorecards',
    register(env) {
      env.registerExtensionPoint(scorecardsFactCollectorsExtensionPoint, {
        addFactCollector: collector => void collectors.push(collector),
        collectNow: async () => {
          throw new Error('not in this test');
        },
      });
      env.registerInit({ deps: {}, init() {} });
    },
  });
}

describe('the github: section, shared by the plugin and its scorecards module', () => {
  it("hands the scorecards module github.factsSchedule, parsed by the host, as the collector's schedule", async () => {
    const collectors: FactCollector[] = [];
    const backend = await startTestBackend({
      features: [githubPlugin, githubScorecardsModule, scorecardsStandIn(collectors)],
      config: { github: { webhookSecret: 's', factsSchedule: 'PT2H' } },
    });
    await backend.stop();
    expect(collectors.map(c => [c.id, c.schedule])).toEqual([['github', 'PT2H']]);
  });

  it('defaults the collector to every six hours when github.factsSchedule is absent', async () => {
    const collectors: FactCollector[] = [];
    const backend = await startTestBackend({ features: [githubPlugin, githubScorecardsModule, scorecardsStandIn(collectors)] });
    await backend.stop();
    expect(collectors.map(c => c.schedule)).toEqual(['PT6H']);
  });

  it('fails startup naming github.factsSchedule when it is not a duration', async () => {
    await expect(
      startTestBackend({ features: [githubPlugin, githubScorecardsModule, scorecardsStandIn([])], config: { github: { factsSchedule: 'often' } } }),
    ).rejects.toThrow(/Invalid config at github\.factsSchedule: is not an ISO-8601 duration/);
  });

  it('accepts github.factsSchedule when scorecards is not installed, since the skipped module reads it', async () => {
    const backend = await startTestBackend({ features: [githubFeatures], config: { github: { factsSchedule: 'PT2H' } } });
    await backend.stop();
  });

  it('still refuses a key of the github: section that neither the plugin nor a module reads', async () => {
    await expect(startTestBackend({ features: [githubFeatures], config: { github: { webhookSecrets: 's' } } })).rejects.toThrow(
      /Invalid config at github\.webhookSecrets: unknown key/,
    );
  });
});
