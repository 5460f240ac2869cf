import '../../__testUtils__/testSetup';
import { mockApis, renderInTestApp } from '@portico/app/testing';
import type { SerializedTask } from '@portico/plugin-scaffolder-common';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { scaffolderApiRef } from '../../api/ScaffolderApi';
import { ScaffolderClient } from '../../api/ScaffolderClient';
import { task } from '../../__testUtils__/fakeScaffolderApi';
import { MockEventSource } from '../../__testUtils__/MockEventSource';
import { TaskPage } from './TaskPage';

/** jsdom has no Response; the client reads only these members. */
function jsonResponse(body: unknown, init: { status?: number } = {}): Response {
  const status = init.status ?? 200;
  return { ok: status < 400, status, statusText: '', json: async () => body, text: async () => JSON.stringify(body) } as Response;
}

/** A fake backend behind a real ScaffolderClient: GET /v2/tasks/:id answers `current`, POSTs are recorded. */
function setup(initial: SerializedTask, options: { missing?: boolean; cancelConflict?: boolean } = {}) {
  let current = initial;
  const posts: string[] = [];
  const fetch = jest.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    if (init?.method === 'POST') {
      posts.push(url);
      if (url.endsWith('/cancel') && options.cancelConflict) {
        return jsonResponse({ error: { name: 'ConflictError', message: 'Task task-1 is completed' } }, { status: 409 });
      }
      if (url.endsWith('/cancel')) return jsonResponse({ status: 'cancelled' });
      if (url.endsWith('/retry')) return jsonResponse({ id: current.id }, { status: 201 });
    }
    if (url.endsWith(`/v2/tasks/${current.id}`) && !options.missing) return jsonResponse(current);
    return jsonResponse({ error: { name: 'NotFoundError', message: `Task not found` } }, { status: 404 });
  });
  const client = new ScaffolderClient({
    discoveryApi: mockApis.discovery(),
    fetchApi: { fetch: fetch as typeof globalThis.fetch },
    EventSource: MockEventSource as unknown as typeof EventSource,
  });
  renderInTestApp(<TaskPage />, {
    apis: [[scaffolderApiRef, client]],
    route: `/create/tasks/${initial.id}`,
    path: '/create/tasks/:taskId',
  });
  return {
    posts,
    fetch,
    user: userEvent.setup(),
    setTask: (next: SerializedTask) => {
      current = next;
    },
  };
}

function emit(type: string, body: Record<string, unknown>, id: number) {
  act(() => MockEventSource.latest().emit(type, { id, taskId: 'task-1', type, createdAt: '2026-11-27T10:00:0' + (id % 10) + '.000Z', body }));
}

/** React's invalid-nesting warnings (a div inside a p, say); React says each only once per file, so every test checks. */
function nestingWarnings(spy: jest.SpyInstance): string[] {
  return spy.mock.calls.map(args => args.map(String).join(' ')).filter(text => /cannot be a descendant of|cannot contain a nested/.test(text));
}
let consoleError: jest.SpyInstance;

beforeEach(() => {
  MockEventSource.instances = [];
  consoleError = jest.spyOn(console, 'error');
});

afterEach(() => {
  const warnings = nestingWarnings(consoleError);
  consoleError.mockRestore();
  expect(warnings).toEqual([]);
});

describe('TaskPage', () => {
  it('shows the step timeline and follows the live log until the run completes with its output', async () => {
    const { setTask } = setup(task());
    const steps = await screen.findByRole('list', { name: 'Steps' });
    expect(within(steps).getByRole('listitem', { name: 'Fetch skeleton: completed' })).toBeInTheDocument();
    expect(within(steps).getByRole('listitem', { name: 'Publish: processing' })).toBeInTheDocument();
    expect(MockEventSource.latest().url).toBe('http://localhost/api/scaffolder/v2/tasks/task-1/eventstream');

    emit('log', { message: 'Pushed to main', stepId: 'publish' }, 1);
    expect(screen.getByRole('log', { name: 'Run log' })).toHaveTextContent('10:00:01 [publish] Pushed to main');

    setTask(
      task({
        status: 'completed',
        steps: task().steps!.map(s => ({ ...s, status: 'completed' })),
        output: {
          links: [
            { title: 'Repository', url: 'https://git.example.com/checkout' },
            { title: 'Open in catalog', entityRef: 'component:default/checkout' },
          ],
          text: [{ title: 'Next steps', content: 'Ask for a review.' }],
        },
      }),
    );
    emit('completion', { message: 'Run completed', status: 'completed' }, 2);
    expect(await screen.findByRole('listitem', { name: 'Register: completed' })).toBeInTheDocument();
    expect(MockEventSource.latest().closed).toBe(true);
    const links = screen.getByRole('list', { name: 'Output links' });
    expect(within(links).getByRole('link', { name: 'Repository' })).toHaveAttribute('href', 'https://git.example.com/checkout');
    expect(within(links).getByRole('link', { name: 'Open in catalog' })).toHaveAttribute('href', '/catalog/default/component/checkout');
    expect(screen.getByText('Ask for a review.')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Cancel run' })).toBeDisabled();
  });

  it('cancels a running run once the user confirms', async () => {
    const { posts, setTask, user } = setup(task());
    await screen.findByRole('list', { name: 'Steps' });
    setTask(task({ status: 'cancelled', steps: task().steps!.map(s => (s.status === 'completed' ? s : { ...s, status: 'cancelled' })) }));
    await user.click(screen.getByRole('button', { name: 'Cancel run' }));
    const dialog = await screen.findByRole('dialog', { name: 'Cancel this run?' });
    expect(posts).toEqual([]);
    await user.click(within(dialog).getByRole('button', { name: 'Cancel run' }));
    expect(await screen.findByRole('listitem', { name: 'Publish: cancelled' })).toBeInTheDocument();
    expect(posts).toEqual(['http://localhost/api/scaffolder/v2/tasks/task-1/cancel']);
    expect(screen.getByRole('button', { name: 'Retry' })).toBeEnabled();
  });

  it('asks before cancelling, and cancels nothing when the user keeps the run going', async () => {
    const { posts, user } = setup(task());
    await screen.findByRole('list', { name: 'Steps' });
    await user.click(screen.getByRole('button', { name: 'Cancel run' }));
    const dialog = await screen.findByRole('dialog', { name: 'Cancel this run?' });
    expect(dialog).toHaveTextContent('what completed steps did is not undone');
    await user.click(within(dialog).getByRole('button', { name: 'Keep running' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(posts).toEqual([]);
    expect(screen.getByRole('button', { name: 'Cancel run' })).toBeEnabled();
  });

  it('points a waiting run to the inbox, and shows a cancelled one as cancelled, with when, not as waiting', async () => {
    const request = { kind: 'input' as const, title: 'Which schema?', assignees: ['group:default/dba'] };
    const waitingSteps = [
      { id: 'fetch', name: 'Fetch skeleton', action: 'fetch:template', status: 'completed' as const },
      { id: 'details', name: 'Details', action: 'scaffolder:input', status: 'waiting' as const, waitingFor: request },
    ];
    const { setTask } = setup(task({ status: 'waiting', steps: waitingSteps }));
    const steps = await screen.findByRole('list', { name: 'Steps' });
    expect(within(steps).getByText(/Waiting for input: Which schema\?/)).toBeInTheDocument();
    expect(within(steps).getByRole('link', { name: 'Open the inbox' })).toHaveAttribute('href', '/create/inbox');

    // as the backend answers after a cancel: the step cancelled, its request still attached
    const endedAt = '2026-11-27T10:05:00.000Z';
    setTask(task({ status: 'cancelled', steps: [waitingSteps[0]!, { ...waitingSteps[1]!, status: 'cancelled', endedAt }] }));
    emit('cancelled', { message: 'Run was cancelled', status: 'cancelled' }, 5);
    const banner = await screen.findByRole('alert', { name: 'Run cancelled' });
    expect(banner).toHaveTextContent(`This run was cancelled on ${new Date('2026-11-27T10:00:05.000Z').toLocaleString()}.`);
    const cancelled = await screen.findByRole('listitem', { name: 'Details: cancelled' });
    expect(cancelled).toHaveTextContent(`Cancelled ${new Date(endedAt).toLocaleString()}`);
    expect(cancelled).toHaveTextContent('Was waiting for input: Which schema?');
    expect(screen.queryByText(/^Waiting for/)).not.toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Open the inbox' })).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Cancel run' })).toBeDisabled();
  });

  it('renders valid HTML nesting (no div inside a p) for running, waiting and cancelled runs', async () => {
    const request = { kind: 'approval' as const, title: 'Grant access', assignees: ['group:default/dba'] };
    const steps = [
      { id: 'fetch', name: 'Fetch skeleton', action: 'fetch:template', status: 'completed' as const },
      { id: 'approve', name: 'Approve', action: 'scaffolder:approval', status: 'waiting' as const, waitingFor: request },
    ];
    const { setTask } = setup(task({ status: 'waiting', steps }));
    await screen.findByRole('link', { name: 'Open the inbox' });
    setTask(task({ status: 'cancelled', steps: [steps[0]!, { ...steps[1]!, status: 'cancelled', endedAt: '2026-11-27T10:05:00.000Z' }] }));
    emit('cancelled', { message: 'Run was cancelled', status: 'cancelled' }, 3);
    await screen.findByRole('alert', { name: 'Run cancelled' });
    expect(nestingWarnings(consoleError)).toEqual([]);
  });

  it('retries a failed run and follows the resumed run from the last event seen', async () => {
    const failed = task({
      status: 'failed',
      error: 'publish:git: remote rejected the push',
      steps: [
        { id: 'fetch', name: 'Fetch skeleton', action: 'fetch:template', status: 'completed' },
        { id: 'publish', name: 'Publish', action: 'publish:git', status: 'failed', error: 'remote rejected the push' },
      ],
    });
    const { posts, user } = setup(failed);
    expect(await screen.findByText('publish:git: remote rejected the push')).toBeInTheDocument();
    emit('log', { message: 'push failed', stepId: 'publish', level: 'error' }, 7);
    await user.click(screen.getByRole('button', { name: 'Retry' }));
    expect(posts).toEqual(['http://localhost/api/scaffolder/v2/tasks/task-1/retry']);
    expect(MockEventSource.instances).toHaveLength(2);
    expect(MockEventSource.instances[0]!.closed).toBe(true);
    expect(MockEventSource.latest().url).toBe('http://localhost/api/scaffolder/v2/tasks/task-1/eventstream?after=7');
  });

  it('says when the live log is interrupted', async () => {
    setup(task());
    await screen.findByRole('list', { name: 'Steps' });
    act(() => MockEventSource.latest().fail());
    expect(screen.getByText('The live log was interrupted; reconnecting')).toBeInTheDocument();
  });

  it('shows why an action failed', async () => {
    setup(task(), { cancelConflict: true });
    await screen.findByRole('list', { name: 'Steps' });
    await userEvent.click(screen.getByRole('button', { name: 'Cancel run' }));
    await userEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Cancel run' }));
    expect(await screen.findByText('The action failed')).toBeInTheDocument();
    expect(screen.getByText('ConflictError: Task task-1 is completed')).toBeInTheDocument();
  });

  it('shows an error for a run that does not exist', async () => {
    setup(task(), { missing: true });
    expect(await screen.findByText('Could not load the run')).toBeInTheDocument();
    expect(screen.getByText('NotFoundError: Task not found')).toBeInTheDocument();
  });
});
