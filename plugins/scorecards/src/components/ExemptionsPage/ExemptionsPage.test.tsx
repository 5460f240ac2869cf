import { renderInTestApp } from '@portico/app/testing';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { scorecardsApiRef } from '../../api/ScorecardsApi';
import { exemption, fakeScorecardsApi } from '../../__testUtils__/fakeScorecardsApi';
import { ExemptionsPage } from './ExemptionsPage';

const detail = { route: '/scorecards/exemptions/e-7', path: '/scorecards/exemptions/:id' };

describe('ExemptionsPage', () => {
  it('lists pending exemptions by default and others by status', async () => {
    const api = fakeScorecardsApi({ getExemptions: jest.fn(async () => [exemption]) });
    const user = userEvent.setup();
    renderInTestApp(<ExemptionsPage />, { apis: [[scorecardsApiRef, api]], route: '/scorecards/exemptions' });
    const table = await screen.findByRole('table', { name: 'Exemption requests' });
    expect(api.getExemptions).toHaveBeenCalledWith({ status: 'pending' });
    expect(within(table).getByRole('link', { name: 'has-runbook' })).toHaveAttribute('href', '/scorecards/exemptions/e-7');
    expect(within(table).getByRole('link', { name: 'checkout' })).toBeInTheDocument();
    expect(within(table).getByText('jane')).toBeInTheDocument();
    await user.click(screen.getByRole('combobox', { name: 'Status' }));
    await user.click(await screen.findByRole('option', { name: 'All' }));
    expect(api.getExemptions).toHaveBeenLastCalledWith({});
  });

  it('lets the owner approve a pending exemption with a comment', async () => {
    const api = fakeScorecardsApi();
    const user = userEvent.setup();
    const { alertApi } = renderInTestApp(<ExemptionsPage />, { apis: [[scorecardsApiRef, api]], ...detail });
    const section = await screen.findByRole('region', { name: 'Exemption' });
    expect(within(section).getByText('The runbook lives in the wiki until Q1')).toBeInTheDocument();
    expect(within(section).getByText('Pending')).toBeInTheDocument();
    await user.click(within(section).getByRole('textbox', { name: 'Comment' }));
    await user.paste('Fine until March');
    await user.click(within(section).getByRole('button', { name: 'Approve' }));
    expect(api.decideExemption).toHaveBeenCalledWith('e-7', { status: 'approved', comment: 'Fine until March' });
    expect(await within(section).findByText('Approved')).toBeInTheDocument();
    expect(within(section).getByText('Fine until March')).toBeInTheDocument();
    expect(within(section).queryByRole('button', { name: 'Reject' })).not.toBeInTheDocument();
    expect(alertApi.alerts).toEqual([expect.objectContaining({ message: 'Exemption approved' })]);
  });

  it('marks an approved exemption past its expiry as expired', async () => {
    const expired = { ...exemption, status: 'approved' as const, expiresAt: '2020-01-01T00:00:00.000Z' };
    const api = fakeScorecardsApi({ getExemptions: jest.fn(async () => [expired, { ...exemption, id: 'e-8', status: 'approved' as const }]) });
    renderInTestApp(<ExemptionsPage />, { apis: [[scorecardsApiRef, api]], route: '/scorecards/exemptions?status=approved' });
    const table = await screen.findByRole('table', { name: 'Exemption requests' });
    expect(within(table).getByText('Expired')).toBeInTheDocument();
    expect(within(table).getByText('Approved')).toBeInTheDocument();
  });

  it('shows why a decision was refused', async () => {
    const api = fakeScorecardsApi({
      decideExemption: jest.fn().mockRejectedValue(new Error('Only the owner of scorecard:default/production-readiness may decide')),
    });
    const user = userEvent.setup();
    renderInTestApp(<ExemptionsPage />, { apis: [[scorecardsApiRef, api]], ...detail });
    await user.click(await screen.findByRole('button', { name: 'Reject' }));
    expect(await screen.findByText(/Only the owner of/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Reject' })).toBeEnabled();
  });

  it('shows empty and error states', async () => {
    const api = fakeScorecardsApi({ getExemption: jest.fn().mockRejectedValue(new Error('No exemption nope')) });
    const { unmount } = renderInTestApp(<ExemptionsPage />, { apis: [[scorecardsApiRef, api]], route: '/scorecards/exemptions/nope', path: detail.path });
    expect(await screen.findByText('No exemption nope')).toBeInTheDocument();
    unmount();
    renderInTestApp(<ExemptionsPage />, { apis: [[scorecardsApiRef, api]], route: '/scorecards/exemptions' });
    expect(await screen.findByText('No pending exemptions')).toBeInTheDocument();
  });
});
