import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SlackWebhookChannel } from './SlackWebhookChannel';

describe('SlackWebhookChannel', () => {
  let server: http.Server;
  const received: Array<{ path?: string; body: unknown; contentType?: string }> = [];
  let url = '';

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let data = '';
      req.on('data', c => (data += c));
      req.on('end', () => {
        received.push({ path: req.url, body: JSON.parse(data), contentType: req.headers['content-type'] });
        res.writeHead(req.url === '/broken' ? 500 : 200).end(req.url === '/broken' ? 'no_service' : 'ok');
      });
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>(resolve => server.close(() => resolve())));

  it("posts Slack's message JSON to the webhook URL", async () => {
    const channel = new SlackWebhookChannel({ webhookUrl: `${url}/services/T/B/X`, baseUrl: 'https://portal.example.com' });
    await channel.send([
      { recipient: 'group:default/team-a', kind: 'level-dropped', title: 'payments dropped to Bronze', body: 'Silver → Bronze on Production readiness', link: '/scorecards/x' },
    ]);
    expect(received[0]).toEqual({
      path: '/services/T/B/X',
      contentType: 'application/json',
      body: {
        text: 'payments dropped to Bronze: Silver → Bronze on Production readiness',
        blocks: [
          { type: 'section', text: { type: 'mrkdwn', text: '*payments dropped to Bronze*\nSilver → Bronze on Production readiness\n<https://portal.example.com/scorecards/x|Open in the portal>' } },
          { type: 'context', elements: [{ type: 'mrkdwn', text: 'To group:default/team-a · level-dropped' }] },
        ],
      },
    });
  });

  it('fails with the status when Slack refuses', async () => {
    const channel = new SlackWebhookChannel({ webhookUrl: `${url}/broken` });
    await expect(channel.send([{ recipient: 'r', kind: 'level-dropped', title: 't', body: 'b' }])).rejects.toThrow('Slack webhook answered 500: no_service');
  });
});
