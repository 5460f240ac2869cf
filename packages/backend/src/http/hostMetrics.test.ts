import request from 'supertest';
import { Gauge, register } from 'prom-client';
import { coreServices, createBackendPlugin, type SchedulerService } from '@portico/backend-plugin-api';
import { startTestHost } from '../__testUtils__/testBackend';

function taskPlugin(capture: { scheduler?: SchedulerService }) {
  return createBackendPlugin({
    pluginId: 'chores',
    register: env =>
      env.registerInit({
        deps: { scheduler: coreServices.scheduler },
        async init({ scheduler }) {
          capture.scheduler = scheduler;
          const manual = { trigger: 'manual' as const };
          await scheduler.scheduleTask({ id: 'tidy', scope: 'local', frequency: manual, timeout: { seconds: 30 }, fn: async () => undefined });
          await scheduler.scheduleTask({
            id: 'break',
            scope: 'local',
            frequency: manual,
            timeout: { seconds: 30 },
            fn: async () => {
              throw new Error('broken on purpose');
            },
          });
          await scheduler.scheduleTask({
            id: 'hang',
            scope: 'local',
            frequency: manual,
            timeout: { milliseconds: 50 },
            fn: signal => new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true })),
          });
        },
      }),
  });
}

describe('/metrics', () => {
  it('counts scheduled task runs by plugin, task and outcome, and times them', async () => {
    const capture: { scheduler?: SchedulerService } = {};
    const { backend } = await startTestHost({ backend: { metrics: { public: true } } }, [taskPlugin(capture)]);
    try {
      const scheduler = capture.scheduler!;
      await scheduler.triggerTask('tidy');
      await scheduler.triggerTask('tidy');
      await scheduler.triggerTask('break');
      await scheduler.triggerTask('hang');
      const text = (await request(backend.server).get('/metrics').expect(200)).text;
      expect(text).toContain('portico_scheduler_task_runs_total{plugin="chores",task="tidy",outcome="succeeded"} 2');
      expect(text).toContain('portico_scheduler_task_runs_total{plugin="chores",task="break",outcome="failed"} 1');
      expect(text).toContain('portico_scheduler_task_runs_total{plugin="chores",task="hang",outcome="timed_out"} 1');
      expect(text).toMatch(/portico_scheduler_task_run_duration_seconds_count\{plugin="chores",task="tidy",outcome="succeeded"\} 2/);
      // The server's own metrics are still there.
      expect(text).toContain('http_requests_total');
      expect(text).toContain('process_cpu_user_seconds_total');
    } finally {
      await backend.stop();
    }
  });

  it("serves the gauges plugins publish in prom-client's process-wide registry", async () => {
    let depth = 0;
    new Gauge({
      name: 'portico_test_queue_depth',
      help: 'A queue of the test',
      collect() {
        this.set(depth);
      },
    });
    const { backend } = await startTestHost({ backend: { metrics: { public: true } } }, []);
    try {
      depth = 7;
      expect((await request(backend.server).get('/metrics').expect(200)).text).toContain('portico_test_queue_depth 7');
      depth = 3;
      expect((await request(backend.server).get('/metrics').expect(200)).text).toContain('portico_test_queue_depth 3');
    } finally {
      register.removeSingleMetric('portico_test_queue_depth');
      await backend.stop();
    }
  });
});
