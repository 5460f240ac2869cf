import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { eventually } from '@portico/test-utils';
import request from 'supertest';
import {
  component,
  readinessSpec,
  scorecard,
  startScorecardsBackend,
  teamA,
  type ScorecardsTestBackend,
} from './__testUtils__/testScorecardsBackend';
import { actAs, actAsHttpAuth } from './__testUtils__/actAs';

const platformWithEmail = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'platform' },
  spec: { type: 'team', children: [], profile: { email: 'platform@example.com' } },
};

describe('notification channels', () => {
  let backend: ScorecardsTestBackend;
  let slack: http.Server;
  let smtp: SMTPServer;
  const slackPosts: unknown[] = [];
  const mails: Array<{ to: string[]; data: string }> = [];

  beforeAll(async () => {
    slack = http.createServer((req, res) => {
      let body = '';
      req.on('data', c => (body += c));
      req.on('end', () => {
        slackPosts.push(JSON.parse(body));
        res.end('ok');
      });
    });
    await new Promise<void>(resolve => slack.listen(0, '127.0.0.1', resolve));
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        let data = '';
        stream.on('data', (c: Buffer) => (data += c.toString('utf8')));
        stream.on('end', () => {
          mails.push({ to: session.envelope.rcptTo.map(r => r.address), data });
          callback();
        });
      },
    });
    await new Promise<void>(resolve => smtp.listen(0, '127.0.0.1', () => resolve()));
    backend = await startScorecardsBackend({
      features: [actAsHttpAuth],
      entities: [teamA, platformWithEmail, component('search'), scorecard(readinessSpec)],
      config: {
        scorecards: {
          notifications: {
            slack: { webhookUrl: `http://127.0.0.1:${(slack.address() as AddressInfo).port}/services/T0/B0/x`, baseUrl: 'https://portal.example.com' },
            email: {
              from: 'portal@example.com',
              smtp: { host: '127.0.0.1', port: (smtp.server.address() as AddressInfo).port, ignoreTLS: true },
            },
          },
        },
      },
    });
    await eventually(async () => {
      const r = await request(backend.server).get('/api/scorecards/entities/component/default/search').expect(200);
      expect(r.body.scorecards).toHaveLength(1);
    });
  });

  afterAll(async () => {
    await backend?.stop();
    await new Promise<void>(resolve => slack.close(() => resolve()));
    await new Promise<void>(resolve => smtp.close(() => resolve()));
  });

  it('reach the in-portal list, Slack and the owner by email on an exemption request', async () => {
    await request(backend.server)
      .post('/api/scorecards/exemptions')
      .send({
        scorecardRef: 'scorecard:default/production-readiness',
        entityRef: 'component:default/search',
        ruleId: 'has-runbook',
        reason: 'The wiki has it',
        expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      })
      .expect(201);
    const inPortal = await request(backend.server).get('/api/scorecards/notifications?recipient=group:default/platform').set(actAs('user:default/olivia', ['group:default/platform'])).expect(200);
    expect(inPortal.body.items[0].kind).toBe('exemption-requested');
    await eventually(async () => expect(slackPosts).toHaveLength(1));
    expect(slackPosts[0]).toMatchObject({ text: expect.stringContaining('Exemption requested for has-runbook on component:default/search') });
    await eventually(async () => expect(mails).toHaveLength(1));
    expect(mails[0].to).toEqual(['platform@example.com']);
    expect(mails[0].data).toContain('Subject: Exemption requested for has-runbook on component:default/search');
  });
});
