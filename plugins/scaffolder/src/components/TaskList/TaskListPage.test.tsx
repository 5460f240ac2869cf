import '../../__testUtils__/testSetup';
import { renderInTestApp } from '@portico/app/testing';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { scaffolderApiRef } from '../../api/ScaffolderApi';
import { fakeScaffolderApi, task } from '../../__testUtils__/fakeScaffolderApi';
import { TaskListPage } from './TaskListPage';

describe('TaskListPage', () => {
  it('lists runs with links to their pages and filters them by status', async () => {
    const scaffolder = fakeScaffolderApi();
    scaffolder.listTasks.mockResolvedValue({
      tasks: [task(), task({ id: 'task-2', status: 'failed', templateRef: 'template:default/db-access', spec: { ...task().spec, templateInfo: undefined } })],
      totalTasks: 2,
    });
    renderInTestApp(<TaskListPage />, {
      apis: [[scaffolderApiRef, scaffolder]],
      route: '/create/tasks',
      routes: { '/create/tasks/:taskId': <h1>Run page</h1> },
    });
    const table = await screen.findByRole('table', { name: 'Runs' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(2);
    expect(within(rows[0]!).getByRole('link', { name: 'New Node.js service' })).toHaveAttribute('href', '/create/tasks/task-1');
    expect(within(rows[0]!).getByText('ada')).toBeInTheDocument();
    expect(within(rows[1]!).getByRole('link', { name: 'db-access' })).toBeInTheDocument();
    expect(within(rows[1]!).getByText('failed')).toBeInTheDocument();
    expect(scaffolder.listTasks).toHaveBeenLastCalledWith({ status: undefined, limit: 25, offset: 0 });

    await userEvent.click(screen.getByRole('combobox', { name: 'Status' }));
    await userEvent.click(await screen.findByRole('option', { name: 'failed' }));
    expect(scaffolder.listTasks).toHaveBeenLastCalledWith({ status: ['failed'], limit: 25, offset: 0 });

    await userEvent.click(within(rows[0]!).getByRole('link', { name: 'New Node.js service' }));
    expect(await screen.findByRole('heading', { name: 'Run page' })).toBeInTheDocument();
  });

  it('pages through older runs', async () => {
    const scaffolder = fakeScaffolderApi();
    scaffolder.listTasks.mockResolvedValue({ tasks: [task()], totalTasks: 30 });
    renderInTestApp(<TaskListPage />, { apis: [[scaffolderApiRef, scaffolder]] });
    expect(await screen.findByText('1–25 of 30')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Newer' })).toBeDisabled();
    await userEvent.click(screen.getByRole('button', { name: 'Older' }));
    expect(await screen.findByText('26–30 of 30')).toBeInTheDocument();
    expect(scaffolder.listTasks).toHaveBeenLastCalledWith({ status: undefined, limit: 25, offset: 25 });
  });

  it('says when there are no runs, and when they cannot be loaded', async () => {
    const scaffolder = fakeScaffolderApi();
    scaffolder.listTasks.mockResolvedValueOnce({ tasks: [], totalTasks: 0 });
    const { unmount } = renderInTestApp(<TaskListPage />, { apis: [[scaffolderApiRef, scaffolder]] });
    expect(await screen.findByText('No runs yet')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Choose a template' })).toHaveAttribute('href', '/create');
    unmount();

    scaffolder.listTasks.mockRejectedValueOnce(new Error('scaffolder is down'));
    renderInTestApp(<TaskListPage />, { apis: [[scaffolderApiRef, scaffolder]] });
    expect(await screen.findByText('Could not load the runs')).toBeInTheDocument();
    expect(screen.getByText('scaffolder is down')).toBeInTheDocument();
  });
});
