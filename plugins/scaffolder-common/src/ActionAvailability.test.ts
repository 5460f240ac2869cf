import { actionProvider, missingActionReason, templateActionAvailability } from './ActionAvailability';

describe('which plugin provides a missing action', () => {
  it('reads the plugin from the first segment, or the second of publish:/fetch: ids', () => {
    expect(actionProvider('github:pull-request')).toEqual({ pluginId: 'github', packageName: '@portico/plugin-github-backend' });
    expect(actionProvider('pagerduty:service:create')).toEqual({ pluginId: 'pagerduty', packageName: '@portico/plugin-pagerduty-backend' });
    expect(actionProvider('publish:github')).toEqual({ pluginId: 'github', packageName: '@portico/plugin-github-backend' });
    expect(actionProvider('fetch:acme')).toMatchObject({ pluginId: 'acme' });
    expect(actionProvider('acme')).toMatchObject({ pluginId: 'acme' });
  });

  it('says what to add to backend.plugins', () => {
    expect(missingActionReason('publish:github')).toBe(
      "Action 'publish:github' is not registered: it comes from the 'github' plugin, which this portal does not run (add @portico/plugin-github-backend to backend.plugins)",
    );
  });

  it('finds a template runnable only when every missing action is in a step with an if', () => {
    const steps = [
      { id: 'fetch', action: 'fetch:template' },
      { id: 'pd', name: 'Page', action: 'pagerduty:service:create', if: '${{ parameters.pagerduty }}' },
    ];
    expect(templateActionAvailability(steps, ['fetch:template'])).toEqual({
      runnable: true,
      missing: [expect.objectContaining({ action: 'pagerduty:service:create', stepId: 'pd', stepName: 'Page', optional: true, pluginId: 'pagerduty' })],
    });
    const always = templateActionAvailability([...steps, { id: 'publish', action: 'publish:github' }], ['fetch:template']);
    expect(always.runnable).toBe(false);
    expect(always.missing.map(m => [m.action, m.optional])).toEqual([
      ['pagerduty:service:create', true],
      ['publish:github', false],
    ]);
    // `if: true` always runs.
    expect(templateActionAvailability([{ id: 'x', action: 'github:pull-request', if: true }], []).runnable).toBe(false);
    expect(templateActionAvailability(steps, ['fetch:template', 'pagerduty:service:create'])).toEqual({ runnable: true, missing: [] });
  });
});
