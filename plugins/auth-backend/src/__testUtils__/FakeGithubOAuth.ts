import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';

type Json = Record<string, unknown>;
// GitHub's own examples of `GET /user` and `GET /user/emails` answers, from its OpenAPI description.
const spec = require('@octokit/openapi/generated/api.github.com.json') as { components: { examples: Record<string, { value: unknown }> } };
const exampleUser = spec.components.examples['private-user'].value as Json;
const exampleEmails = spec.components.examples['email-items-2'].value as Json[];

/**
 * GitHub's OAuth web flow on 127.0.0.1 (`/login/oauth/authorize`, `/login/oauth/access_token`) and the REST
 * calls a sign-in makes (`/user`, `/user/emails`), under `/api/v3` as on GitHub Enterprise. The user who
 * "approves" is `user`; codes are single use and checked against the PKCE challenge.
 */
export class FakeGithubOAuth {
  private server?: http.Server;
  url = '';
  user: Json = { ...exampleUser };
  emails: Json[] = exampleEmails;
  private readonly codes = new Map<string, { challenge?: string; redirectUri: string }>();
  private readonly tokens = new Set<string>();

  constructor(private readonly client: { clientId: string; clientSecret: string }) {}

  async start(): Promise<void> {
    const app = express();
    app.use(express.urlencoded({ extended: false }));
    app.get('/login/oauth/authorize', (req, res) => {
      const q = req.query as Record<string, string>;
      if (q.client_id !== this.client.clientId) return void res.status(404).send('Not Found');
      const code = randomBytes(10).toString('hex');
      this.codes.set(code, { challenge: q.code_challenge, redirectUri: q.redirect_uri });
      const back = new URL(q.redirect_uri);
      back.searchParams.set('code', code);
      back.searchParams.set('state', q.state);
      res.redirect(302, back.toString());
    });
    app.post('/login/oauth/access_token', (req, res) => {
      const body = req.body as Record<string, string>;
      // GitHub answers 200 with an error object for a bad code.
      if (body.client_id !== this.client.clientId || body.client_secret !== this.client.clientSecret) {
        return void res.json({ error: 'incorrect_client_credentials', error_description: 'The client_id and/or client_secret passed are incorrect.' });
      }
      const issued = this.codes.get(body.code);
      this.codes.delete(body.code);
      const verifierOk = issued?.challenge === undefined || createHash('sha256').update(body.code_verifier ?? '').digest('base64url') === issued.challenge;
      if (!issued || !verifierOk || issued.redirectUri !== body.redirect_uri) {
        return void res.json({ error: 'bad_verification_code', error_description: 'The code passed is incorrect or expired.' });
      }
      const token = `gho_${randomBytes(16).toString('hex')}`;
      this.tokens.add(token);
      res.json({ access_token: token, token_type: 'bearer', scope: 'read:user,user:email' });
    });
    const authorized = (req: express.Request, res: express.Response) => {
      const token = req.get('authorization')?.replace(/^Bearer /i, '');
      if (token && this.tokens.has(token)) return true;
      res.status(401).json({ message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
      return false;
    };
    app.get('/api/v3/user', (req, res) => void (authorized(req, res) && res.json(this.user)));
    app.get('/api/v3/user/emails', (req, res) => void (authorized(req, res) && res.json(this.emails)));
    this.server = http.createServer(app);
    await new Promise<void>(resolve => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise(resolve => this.server?.close(resolve));
  }
}
