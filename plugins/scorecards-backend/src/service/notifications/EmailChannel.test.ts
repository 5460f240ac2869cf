import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { EmailChannel } from './EmailChannel';

describe('EmailChannel', () => {
  const received: Array<{ from?: string; to: string[]; data: string }> = [];
  let server: SMTPServer;
  let port = 0;

  beforeAll(async () => {
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        let data = '';
        stream.on('data', (chunk: Buffer) => (data += chunk.toString('utf8')));
        stream.on('end', () => {
          received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
            to: session.envelope.rcptTo.map(r => r.address),
            data,
          });
          callback();
        });
      },
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', () => resolve()));
    port = (server.server.address() as AddressInfo).port;
  });

  afterAll(() => new Promise<void>(resolve => server.close(() => resolve())));

  it('sends each notification to the addresses of its recipient over SMTP', async () => {
    const channel = new EmailChannel({
      from: 'Portico <portal@example.com>',
      smtp: { host: '127.0.0.1', port, secure: false, ignoreTLS: true },
      baseUrl: 'https://portal.example.com',
      resolveAddresses: async refs => new Map(refs.map(r => [r, r === 'group:default/team-a' ? ['team-a@example.com'] : []])),
    });
    await channel.send([
      { recipient: 'group:default/team-a', kind: 'level-dropped', title: 'payments dropped to Bronze', body: 'Silver to Bronze', link: '/scorecards/x' },
      { recipient: 'group:default/nobody', kind: 'level-dropped', title: 'skipped', body: 'no address' },
    ]);
    channel.close();
    expect(received).toHaveLength(1);
    expect(received[0].from).toBe('portal@example.com');
    expect(received[0].to).toEqual(['team-a@example.com']);
    expect(received[0].data).toContain('Subject: payments dropped to Bronze');
    expect(received[0].data).toContain('Silver to Bronze');
    expect(received[0].data).toContain('https://portal.example.com/scorecards/x');
  });
});
