export { SchedulerManager, SCHEDULER_DATABASE_NAME, type SchedulerManagerOptions } from './SchedulerManager';
export { TaskStore, TASKS_TABLE } from './TaskStore';
export { schedulerServiceFactory } from './schedulerServiceFactory';
export { parseDuration, nextRunAfter } from './frequency';
