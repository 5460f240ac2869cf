import '../../__testUtils__/testSetup';
import { renderInTestApp } from '@portico/app/testing';
import type { InboxItem } from '@portico/plugin-scaffolder-common';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { scaffolderApiRef } from '../../api/ScaffolderApi';
import { fakeScaffolderApi } from '../../__testUtils__/fakeScaffolderApi';
import { InboxPage } from './InboxPage';

const approval: InboxItem = {
  taskId: 'task-1',
  stepId: 'approve',
  templateRef: 'template:default/db-access',
  createdBy: 'user:default/ada',
  waitingSince: '2026-11-27T10:00:00.000Z',
  request: { kind: 'approval', title: 'Grant ada read access to orders-db', assignees: ['group:default/dba'] },
};

const input: InboxItem = {
  taskId: 'task-2',
  stepId: 'details',
  waitingSince: '2026-11-27T10:05:00.000Z',
  request: {
    kind: 'input',
    title: 'Which schema?',
    assignees: ['user:default/guest'],
    schema: { type: 'object', required: ['schema'], properties: { schema: { type: 'string', title: 'Schema name' } } },
  },
};

function setup(items: InboxItem[] = [approval, input]) {
  const scaffolder = fakeScaffolderApi();
  scaffolder.getInbox.mockResolvedValue(items);
  scaffolder.answer.mockResolvedValue({ status: 'approved' });
  const result = renderInTestApp(<InboxPage />, { apis: [[scaffolderApiRef, scaffolder]], route: '/create/inbox' });
  return { scaffolder, alertApi: result.alertApi, user: userEvent.setup() };
}

describe('InboxPage', () => {
  it('approves a request with a comment and removes it from the inbox', async () => {
    const { scaffolder, alertApi, user } = setup();
    const card = await screen.findByRole('article', { name: 'Grant ada read access to orders-db' });
    expect(within(card).getByText(/db-access · started by ada/)).toBeInTheDocument();
    expect(within(card).getByRole('link', { name: 'Open the run' })).toHaveAttribute('href', '/create/tasks/task-1');
    await user.type(within(card).getByRole('textbox', { name: 'Comment (optional)' }), 'for the Q4 report');
    await user.click(within(card).getByRole('button', { name: 'Approve' }));
    expect(scaffolder.answer).toHaveBeenCalledWith({ taskId: 'task-1', stepId: 'approve', decision: 'approve', values: undefined, comment: 'for the Q4 report' });
    expect(await screen.findAllByRole('article')).toHaveLength(1);
    expect(alertApi.alerts).toEqual([{ message: 'Approved: Grant ada read access to orders-db', severity: 'success', display: 'transient' }]);
  });

  it('rejects a request, and keeps it with the reason when the answer fails', async () => {
    const { scaffolder, user } = setup([approval]);
    scaffolder.answer.mockRejectedValueOnce(new Error('NotAllowedError: you are not an approver'));
    const card = await screen.findByRole('article', { name: 'Grant ada read access to orders-db' });
    await user.click(within(card).getByRole('button', { name: 'Reject' }));
    expect(await within(card).findByText('NotAllowedError: you are not an approver')).toBeInTheDocument();
    expect(within(card).getByRole('button', { name: 'Reject' })).toBeEnabled();
    await user.click(within(card).getByRole('button', { name: 'Reject' }));
    expect(await screen.findByText('Nothing is waiting for you')).toBeInTheDocument();
    expect(scaffolder.answer).toHaveBeenLastCalledWith(expect.objectContaining({ decision: 'reject', taskId: 'task-1' }));
  });

  it('submits an input request through its JSON Schema form, after validation', async () => {
    const { scaffolder, user } = setup();
    const card = await screen.findByRole('article', { name: 'Which schema?' });
    const form = within(card).getByRole('region', { name: 'Which schema? form' });
    await user.click(within(form).getByRole('button', { name: 'Submit' }));
    expect(await within(form).findByText('Schema name is required.')).toBeInTheDocument();
    expect(scaffolder.answer).not.toHaveBeenCalled();
    await user.type(within(form).getByRole('textbox', { name: /Schema name/ }), 'orders');
    await user.click(within(form).getByRole('button', { name: 'Submit' }));
    expect(scaffolder.answer).toHaveBeenCalledWith({ taskId: 'task-2', stepId: 'details', decision: 'submit', values: { schema: 'orders' }, comment: undefined });
  });

  it('says when nothing is waiting', async () => {
    setup([]);
    expect(await screen.findByText('Nothing is waiting for you')).toBeInTheDocument();
  });

  it('shows why the inbox could not be loaded', async () => {
    const scaffolder = fakeScaffolderApi();
    scaffolder.getInbox.mockRejectedValue(new Error('scaffolder is down'));
    renderInTestApp(<InboxPage />, { apis: [[scaffolderApiRef, scaffolder]] });
    expect(await screen.findByText('Could not load the inbox')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Retry' })).toBeInTheDocument();
  });
});
