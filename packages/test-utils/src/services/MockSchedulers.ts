import { coreServices, createServiceFactory, type ServiceFactory, type TaskDefinition } from '@portico/backend-plugin-api';
import { MockScheduler } from './MockScheduler';

/** Each plugin's {@link MockScheduler}, by plugin id: tasks run only when a test triggers them. */
export class MockSchedulers {
  private readonly byPlugin = new Map<string, MockScheduler>();

  /** The scheduler service factory that fills this collection, one MockScheduler per plugin. */
  factory(): ServiceFactory {
    return createServiceFactory({
      service: coreServices.scheduler,
      deps: { plugin: coreServices.pluginMetadata },
      factory: ({ plugin }) => {
        const scheduler = new MockScheduler();
        this.byPlugin.set(plugin.getId(), scheduler);
        return scheduler;
      },
    });
  }

  /** The scheduler of a plugin; throws naming the plugin when it never asked for one. */
  get(pluginId: string): MockScheduler {
    const scheduler = this.byPlugin.get(pluginId);
    if (!scheduler) {
      const known = [...this.byPlugin.keys()].join(', ') || 'none';
      throw new Error(`Plugin '${pluginId}' has no scheduler (plugins with one: ${known})`);
    }
    return scheduler;
  }

  /** Every task the plugins scheduled, in no particular order. */
  get tasks(): TaskDefinition[] {
    return [...this.byPlugin.values()].flatMap(s => [...s.tasks.values()]);
  }

  /** Runs the task with this id, whichever plugin scheduled it. */
  async triggerTask(id: string): Promise<void> {
    const owner = [...this.byPlugin.values()].find(s => s.tasks.has(id));
    if (!owner) throw new Error(`No plugin scheduled a task '${id}'`);
    await owner.triggerTask(id);
  }
}
