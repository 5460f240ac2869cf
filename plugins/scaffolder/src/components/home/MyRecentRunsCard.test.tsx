import '../../__testUtils__/testSetup';
import { mockApis, renderInTestApp } from '@portico/app/testing';
import { identityApiRef } from '@portico/frontend-plugin-api';
import { screen, within } from '@testing-library/react';
import { scaffolderApiRef } from '../../api/ScaffolderApi';
import { fakeScaffolderApi, task } from '../../__testUtils__/fakeScaffolderApi';
import { MyRecentRunsCard } from './MyRecentRunsCard';

describe('MyRecentRunsCard', () => {
  it("asks for the user's own latest runs and links each to its page", async () => {
    const scaffolder = fakeScaffolderApi();
    scaffolder.listTasks.mockResolvedValue({ tasks: [task(), task({ id: 'task-2', status: 'failed' })], totalTasks: 2 });
    renderInTestApp(<MyRecentRunsCard />, {
      apis: [
        [scaffolderApiRef, scaffolder],
        [identityApiRef, mockApis.identity({ userEntityRef: 'user:default/ada' })],
      ],
    });
    const list = await screen.findByRole('list', { name: 'My recent runs' });
    const [first, second] = within(list).getAllByRole('listitem');
    expect(within(first!).getByRole('link', { name: 'New Node.js service' })).toHaveAttribute('href', '/create/tasks/task-1');
    expect(within(first!).getByText('processing')).toBeInTheDocument();
    expect(within(second!).getByRole('link', { name: 'New Node.js service' })).toHaveAttribute('href', '/create/tasks/task-2');
    expect(within(second!).getByText('failed')).toBeInTheDocument();
    expect(scaffolder.listTasks).toHaveBeenCalledWith({ createdBy: 'user:default/ada', limit: 5 });
    expect(screen.getByRole('link', { name: 'Run history' })).toHaveAttribute('href', '/create/tasks');
  });

  it('says how to start when the user has no runs', async () => {
    const scaffolder = fakeScaffolderApi();
    scaffolder.listTasks.mockResolvedValue({ tasks: [], totalTasks: 0 });
    renderInTestApp(<MyRecentRunsCard />, { apis: [[scaffolderApiRef, scaffolder]] });
    expect(await screen.findByText('You have not run a template yet')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Pick a template' })).toHaveAttribute('href', '/create');
    expect(scaffolder.listTasks).toHaveBeenCalledWith({ createdBy: 'user:default/guest', limit: 5 });
  });

  it('shows the error when runs cannot be read', async () => {
    const scaffolder = fakeScaffolderApi();
    scaffolder.listTasks.mockRejectedValue(new Error('scaffolder down'));
    renderInTestApp(<MyRecentRunsCard />, { apis: [[scaffolderApiRef, scaffolder]] });
    expect(await screen.findByText('Could not load your runs')).toBeInTheDocument();
    expect(screen.getByText('scaffolder down')).toBeInTheDocument();
  });
});
