import type { ScheduledTaskInfo, SchedulerService, TaskDefinition } from '@portico/backend-plugin-api';
import { NotFoundError } from '@portico/errors';

/** A scheduler that never runs tasks by itself: tests call `triggerTask(id)` to run one now. */
export class MockScheduler implements SchedulerService {
  readonly tasks = new Map<string, TaskDefinition>();

  async scheduleTask(task: TaskDefinition): Promise<void> {
    this.tasks.set(task.id, task);
  }

  async triggerTask(id: string): Promise<void> {
    const task = this.tasks.get(id);
    if (!task) throw new NotFoundError(`No task '${id}'`);
    await task.fn(new AbortController().signal);
  }

  async getScheduledTasks(): Promise<ScheduledTaskInfo[]> {
    return [...this.tasks.values()].map(t => ({ id: t.id, scope: t.scope ?? 'global', frequency: t.frequency }));
  }
}
