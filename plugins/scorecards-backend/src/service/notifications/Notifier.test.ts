import { MockLogger } from '@portico/test-utils';
import type { NotificationChannel, OutgoingNotification } from './NotificationChannel';
import { Notifier } from './Notifier';

describe('Notifier', () => {
  it('sends through every channel even when one fails, and logs the failure', async () => {
    const sent: OutgoingNotification[][] = [];
    const broken: NotificationChannel = { id: 'broken', send: async () => { throw new Error('down'); } };
    const working: NotificationChannel = { id: 'working', send: async n => { sent.push(n); } };
    const logger = new MockLogger();
    const note: OutgoingNotification = { recipient: 'group:default/a', kind: 'level-dropped', title: 't', body: 'b' };
    await new Notifier([broken, working], logger).notify([note]);
    expect(sent).toEqual([[note]]);
    expect(JSON.stringify(logger.lines)).toContain('Notification channel broken failed');
  });
});
