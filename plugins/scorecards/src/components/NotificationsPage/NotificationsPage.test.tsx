import { renderInTestApp } from '@portico/app/testing';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { scorecardsApiRef } from '../../api/ScorecardsApi';
import { fakeScorecardsApi, notifications } from '../../__testUtils__/fakeScorecardsApi';
import { NotificationsPage } from './NotificationsPage';

describe('NotificationsPage', () => {
  it('lists notifications, marks unread ones and links to where they point', async () => {
    const api = fakeScorecardsApi();
    const user = userEvent.setup();
    renderInTestApp(<NotificationsPage />, { apis: [[scorecardsApiRef, api]] });
    const list = await screen.findByRole('list', { name: 'Notifications list' });
    const unread = within(list).getByRole('listitem', { name: 'checkout dropped to Bronze (unread)' });
    expect(within(unread).getByRole('link', { name: 'checkout dropped to Bronze' })).toHaveAttribute(
      'href',
      '/catalog/default/component/checkout/scorecards',
    );
    expect(within(unread).getByText('Level dropped')).toBeInTheDocument();
    expect(within(unread).getByText(/checkout no longer has a runbook\. · 27 Nov 2026, 09:00 UTC/)).toBeInTheDocument();
    const read = within(list).getByRole('listitem', { name: 'Exemption approved' });
    expect(within(read).queryByRole('button')).not.toBeInTheDocument();

    await user.click(within(list).getByRole('button', { name: 'Mark “checkout dropped to Bronze” as read' }));
    expect(api.markNotificationRead).toHaveBeenCalledWith('n-1');
    expect(await within(list).findByRole('listitem', { name: 'checkout dropped to Bronze' })).toBeInTheDocument();
  });

  it('asks for unread notifications only when the switch is on', async () => {
    const api = fakeScorecardsApi({ getNotifications: jest.fn(async () => []) });
    const user = userEvent.setup();
    renderInTestApp(<NotificationsPage />, { apis: [[scorecardsApiRef, api]] });
    expect(await screen.findByText('No notifications')).toBeInTheDocument();
    await user.click(screen.getByRole('switch', { name: 'Unread only' }));
    expect(await screen.findByText('No unread notifications')).toBeInTheDocument();
    expect(api.getNotifications).toHaveBeenLastCalledWith({ unreadOnly: true });
  });

  it('shows an error with a retry', async () => {
    const api = fakeScorecardsApi({ getNotifications: jest.fn().mockRejectedValueOnce(new Error('nope')).mockResolvedValue(notifications) });
    const user = userEvent.setup();
    renderInTestApp(<NotificationsPage />, { apis: [[scorecardsApiRef, api]] });
    expect(await screen.findByText('Could not load notifications')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByRole('list', { name: 'Notifications list' })).toBeInTheDocument();
  });
});
