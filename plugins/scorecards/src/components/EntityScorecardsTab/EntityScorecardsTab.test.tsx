import type { Entity } from '@portico/catalog-model';
import { EntityProvider } from '@portico/plugin-catalog-react';
import { renderInTestApp } from '@portico/app/testing';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { scorecardsApiRef } from '../../api/ScorecardsApi';
import { fakeScorecardsApi, productionReadiness } from '../../__testUtils__/fakeScorecardsApi';
import { EntityScorecardsTab } from './EntityScorecardsTab';
import { defaultExpiry } from './ExemptionDialog';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout', namespace: 'default' },
  spec: { type: 'service', owner: 'team-a' },
};

describe('EntityScorecardsTab', () => {
  it('shows the level per scorecard and every rule with status, evidence and remediation', async () => {
    const api = fakeScorecardsApi();
    renderInTestApp(<EntityProvider entity={entity}><EntityScorecardsTab /></EntityProvider>, { apis: [[scorecardsApiRef, api]] });
    const card = await screen.findByRole('region', { name: 'Production readiness' });
    expect(api.getEntityScorecards).toHaveBeenCalledWith('component:default/checkout');
    expect(within(card).getByText('Bronze', { selector: '.MuiChip-label' })).toBeInTheDocument();
    expect(within(card).getByText('Score 25%')).toBeInTheDocument();
    const table = within(card).getByRole('table', { name: 'Rules of Production readiness' });
    const owner = within(table).getByRole('row', { name: /Has an owner/ });
    expect(within(owner).getByText('Pass')).toBeInTheDocument();
    expect(within(owner).getByText('catalog.hasOwner = true')).toBeInTheDocument();
    expect(within(owner).queryByRole('button')).not.toBeInTheDocument();
    const runbook = within(table).getByRole('row', { name: /Has a runbook/ });
    expect(within(runbook).getByText('Fail')).toBeInTheDocument();
    expect(within(runbook).getByText('catalog.hasRunbook = false')).toBeInTheDocument();
    expect(within(runbook).getByText('Add a link of type runbook to metadata.links.')).toBeInTheDocument();
    const coverage = within(table).getByRole('row', { name: /Coverage of 80%/ });
    expect(within(coverage).getByText('Unknown')).toBeInTheDocument();
    expect(within(coverage).getByText('coverage.percent is missing')).toBeInTheDocument();
  });

  it('requests an exemption with a reason and an expiry, then shows it as pending', async () => {
    const api = fakeScorecardsApi();
    const user = userEvent.setup();
    const { alertApi } = renderInTestApp(<EntityProvider entity={entity}><EntityScorecardsTab /></EntityProvider>, { apis: [[scorecardsApiRef, api]] });
    await user.click(await screen.findByRole('button', { name: 'Request an exemption for Has a runbook' }));
    const dialog = screen.getByRole('dialog', { name: 'Request an exemption' });
    const submit = within(dialog).getByRole('button', { name: 'Submit request' });
    expect(submit).toBeDisabled();
    await user.click(within(dialog).getByRole('textbox', { name: 'Reason' }));
    await user.paste('Runbook lives in the wiki until Q1');
    expect(within(dialog).getByLabelText(/Expires on/)).toHaveValue(defaultExpiry());
    api.getExemptions.mockResolvedValue([
      {
        id: 'e-1',
        scorecardRef: productionReadiness.ref,
        entityRef: 'component:default/checkout',
        ruleId: 'has-runbook',
        reason: 'Runbook lives in the wiki until Q1',
        expiresAt: `${defaultExpiry()}T23:59:59.000Z`,
        status: 'pending',
        requestedBy: 'user:default/guest',
        createdAt: '2026-11-27T10:00:00.000Z',
      },
    ]);
    await user.click(submit);
    expect(api.requestExemption).toHaveBeenCalledWith({
      scorecardRef: productionReadiness.ref,
      entityRef: 'component:default/checkout',
      ruleId: 'has-runbook',
      reason: 'Runbook lives in the wiki until Q1',
      expiresAt: `${defaultExpiry()}T23:59:59.000Z`,
    });
    expect(await screen.findByText('Exemption pending')).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(alertApi.alerts).toEqual([expect.objectContaining({ message: 'Exemption requested' })]);
  });

  it('keeps the dialog open with the error when the request fails, and rejects a past expiry', async () => {
    const api = fakeScorecardsApi({ requestExemption: jest.fn().mockRejectedValue(new Error('expiresAt must be in the future')) });
    const user = userEvent.setup();
    renderInTestApp(<EntityProvider entity={entity}><EntityScorecardsTab /></EntityProvider>, { apis: [[scorecardsApiRef, api]] });
    await user.click(await screen.findByRole('button', { name: 'Request an exemption for Coverage of 80%' }));
    const dialog = screen.getByRole('dialog', { name: 'Request an exemption' });
    await user.type(within(dialog).getByRole('textbox', { name: 'Reason' }), 'Legacy');
    const expiry = within(dialog).getByLabelText(/Expires on/);
    await user.clear(expiry);
    await user.type(expiry, '2020-01-01');
    expect(within(dialog).getByText('Pick a date after today')).toBeInTheDocument();
    expect(within(dialog).getByRole('button', { name: 'Submit request' })).toBeDisabled();
    await user.clear(expiry);
    await user.type(expiry, defaultExpiry());
    await user.click(within(dialog).getByRole('button', { name: 'Submit request' }));
    expect(await within(dialog).findByText('expiresAt must be in the future')).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
  });

  it('evaluates the entity now and reloads its results', async () => {
    const api = fakeScorecardsApi();
    const user = userEvent.setup();
    const { alertApi } = renderInTestApp(<EntityProvider entity={entity}><EntityScorecardsTab /></EntityProvider>, { apis: [[scorecardsApiRef, api]] });
    await user.click(await screen.findByRole('button', { name: 'Evaluate now' }));
    expect(api.evaluate).toHaveBeenCalledWith({ entityRef: 'component:default/checkout' });
    await waitFor(() => expect(api.getEntityScorecards).toHaveBeenCalledTimes(2));
    expect(alertApi.alerts).toEqual([expect.objectContaining({ message: 'Evaluated now' })]);
  });

  it('shows an empty state and an error', async () => {
    const empty = fakeScorecardsApi({ getEntityScorecards: jest.fn(async () => ({ entityRef: 'x', scorecards: [] })) });
    const { unmount } = renderInTestApp(<EntityProvider entity={entity}><EntityScorecardsTab /></EntityProvider>, { apis: [[scorecardsApiRef, empty]] });
    expect(await screen.findByText('No scorecard measures this entity yet')).toBeInTheDocument();
    unmount();
    const failing = fakeScorecardsApi({ getEntityScorecards: jest.fn().mockRejectedValue(new Error('boom')) });
    renderInTestApp(<EntityProvider entity={entity}><EntityScorecardsTab /></EntityProvider>, { apis: [[scorecardsApiRef, failing]] });
    expect(await screen.findByText('Could not load scorecards')).toBeInTheDocument();
  });
});
