import type { SerializedTask, SerializedTaskEvent } from '@portico/plugin-scaffolder-common';
import type { ScaffolderApi, StreamEventsOptions } from '../api/ScaffolderApi';

/** A ScaffolderApi of jest mocks; every method rejects until a test gives it an answer. */
export function fakeScaffolderApi(): jest.Mocked<ScaffolderApi> & { emit(event: Partial<SerializedTaskEvent>): void } {
  const listeners: StreamEventsOptions[] = [];
  const notSet = (name: string) => jest.fn(() => Promise.reject(new Error(`${name} not mocked`)));
  let nextId = 1;
  return {
    getTemplateParameterSchema: notSet('getTemplateParameterSchema'),
    scaffold: notSet('scaffold'),
    getTask: notSet('getTask'),
    listTasks: notSet('listTasks'),
    cancelTask: notSet('cancelTask'),
    retryTask: notSet('retryTask'),
    getInbox: notSet('getInbox'),
    answer: notSet('answer'),
    listActions: notSet('listActions'),
    streamEvents: jest.fn((options: StreamEventsOptions) => {
      listeners.push(options);
      return () => {
        listeners.splice(listeners.indexOf(options), 1);
      };
    }),
    emit(event: Partial<SerializedTaskEvent>) {
      const full: SerializedTaskEvent = {
        id: nextId++,
        taskId: 'task-1',
        type: 'log',
        createdAt: '2026-11-27T10:00:00.000Z',
        body: { message: '' },
        ...event,
      };
      for (const l of [...listeners]) l.onEvent(full);
    },
  } as unknown as jest.Mocked<ScaffolderApi> & { emit(event: Partial<SerializedTaskEvent>): void };
}

export function task(overrides: Partial<SerializedTask> = {}): SerializedTask {
  return {
    id: 'task-1',
    status: 'processing',
    createdAt: '2026-11-27T10:00:00.000Z',
    createdBy: 'user:default/ada',
    templateRef: 'template:default/node-service',
    spec: {
      apiVersion: 'scaffolder.backstage.io/v1beta3',
      steps: [],
      output: {},
      parameters: {},
      user: { ref: 'user:default/ada' },
      templateInfo: { entityRef: 'template:default/node-service', entity: { metadata: { name: 'node-service', title: 'New Node.js service' } } },
    },
    steps: [
      { id: 'fetch', name: 'Fetch skeleton', action: 'fetch:template', status: 'completed' },
      { id: 'publish', name: 'Publish', action: 'publish:git', status: 'processing' },
      { id: 'register', name: 'Register', action: 'catalog:register', status: 'open' },
    ],
    ...overrides,
  };
}
