import '../../__testUtils__/testSetup';
import { renderInTestApp } from '@portico/app/testing';
import type { InboxItem } from '@portico/plugin-scaffolder-common';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { scaffolderApiRef } from '../../api/ScaffolderApi';
import { fakeScaffolderApi } from '../../__testUtils__/fakeScaffolderApi';
import { WaitingForMeCard } from './WaitingForMeCard';

function item(n: number, overrides: Partial<InboxItem> = {}): InboxItem {
  return {
    taskId: `task-${n}`,
    stepId: 'approve',
    createdBy: 'user:default/ada',
    waitingSince: '2026-11-27T10:00:00.000Z',
    request: { kind: 'approval', title: `Grant access ${n}`, assignees: ['group:default/dba'] },
    ...overrides,
  };
}

function setup(items: InboxItem[]) {
  const scaffolder = fakeScaffolderApi();
  scaffolder.getInbox.mockResolvedValue(items);
  renderInTestApp(<WaitingForMeCard />, { apis: [[scaffolderApiRef, scaffolder]] });
  return scaffolder;
}

describe('WaitingForMeCard', () => {
  it('lists the approvals and inputs waiting for the user, each linked to its run, and links to the inbox', async () => {
    setup([item(1), item(2, { stepId: 'details', createdBy: undefined, request: { kind: 'input', title: 'Which schema?', assignees: ['user:default/guest'] } })]);
    const list = await screen.findByRole('list', { name: 'Waiting for me' });
    const [first, second] = within(list).getAllByRole('listitem');
    expect(within(first!).getByText('Approval')).toBeInTheDocument();
    expect(within(first!).getByRole('link', { name: 'Grant access 1' })).toHaveAttribute('href', '/create/tasks/task-1');
    expect(within(first!).getByText(/started by ada/)).toBeInTheDocument();
    expect(within(second!).getByText('Input')).toBeInTheDocument();
    expect(within(second!).getByRole('link', { name: 'Which schema?' })).toHaveAttribute('href', '/create/tasks/task-2');
    expect(screen.getByRole('link', { name: 'Answer in the inbox' })).toHaveAttribute('href', '/create/inbox');
  });

  it('shows the first five and says how many wait in the inbox', async () => {
    setup(Array.from({ length: 7 }, (_, i) => item(i + 1)));
    const list = await screen.findByRole('list', { name: 'Waiting for me' });
    expect(within(list).getAllByRole('listitem')).toHaveLength(5);
    expect(screen.getByRole('link', { name: 'Answer all 7 in the inbox' })).toHaveAttribute('href', '/create/inbox');
  });

  it('says so when nothing waits', async () => {
    setup([]);
    expect(await screen.findByText('Nothing is waiting for you')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'inbox' })).toHaveAttribute('href', '/create/inbox');
  });

  it('shows the error with a retry when the inbox fails', async () => {
    const scaffolder = fakeScaffolderApi();
    scaffolder.getInbox.mockRejectedValueOnce(new Error('scaffolder down')).mockResolvedValue([item(1)]);
    renderInTestApp(<WaitingForMeCard />, { apis: [[scaffolderApiRef, scaffolder]] });
    expect(await screen.findByText('scaffolder down')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByRole('link', { name: 'Grant access 1' })).toBeInTheDocument();
  });
});
