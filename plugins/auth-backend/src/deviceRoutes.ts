import express, { type Response } from 'express';
import { z } from 'zod';
import type { AuditorService, Credentials, RouteRegistry } from '@portico/backend-plugin-api';
import { AuthenticationError, ConflictError, NotFoundError } from '@portico/errors';
import type { DeviceAuthorizationService } from './service/DeviceAuthorizationService';

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

const codeBody = z.object({
  /** The machine `portico login` runs on, shown to the person approving and in the token's name. */
  hostname: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .regex(/^[\w.-]+$/, 'letters, digits, dots, dashes and underscores only')
    .optional(),
});
const codeAnswer = z.object({
  device_code: z.string(),
  user_code: z.string().describe('Eight letters such as WDJB-MJHT, for the person to enter or confirm'),
  verification_uri: z.string(),
  verification_uri_complete: z.string(),
  expires_in: z.number().int().describe('Seconds the codes stay valid'),
  interval: z.number().int().describe('Seconds to wait between polls; a faster poll is answered slow_down'),
});
const tokenBody = z.object({
  device_code: z.string().min(1).max(200),
  grant_type: z.literal(DEVICE_GRANT).optional(),
});
const tokenAnswer = z.object({
  access_token: z.string().describe('A personal access token (`pat_<id>_<secret>`) of the approving user; shown once'),
  token_type: z.literal('Bearer'),
  expires_in: z.number().int(),
  token_id: z.string().describe('For `DELETE /api/auth/tokens/:id` (portico logout)'),
  user_entity_ref: z.string(),
});
const userCodeParams = z.object({ user_code: z.string().max(32) });
const pendingAnswer = z.object({ userCode: z.string(), clientName: z.string(), expiresAt: z.string() });

const POLL_ERROR_TEXT = {
  authorization_pending: 'Nobody has approved the code yet: poll again after the interval',
  slow_down: 'Polled sooner than the interval allows: wait 5 seconds longer between polls from now on',
  access_denied: 'The login was denied in the browser',
  expired_token: 'The code expired before it was approved: start again',
  invalid_grant: 'Unknown device code, or its token was already issued',
} as const;

function rfcError(res: Response, error: keyof typeof POLL_ERROR_TEXT) {
  res.status(400).set('cache-control', 'no-store').json({ error, error_description: POLL_ERROR_TEXT[error] });
}

function signedInUser(credentials: Credentials) {
  const principal = credentials.principal;
  if (principal.type !== 'user') throw new AuthenticationError('Not signed in');
  return { userEntityRef: principal.userEntityRef, ownershipEntityRefs: principal.ownershipEntityRefs };
}

/**
 * `portico login`, the device authorization flow of RFC 8628: the CLI asks for codes and polls for its token
 * without credentials; a signed-in person looks the user code up and approves or denies it. The two CLI
 * endpoints take JSON (what `portico login` sends) or the form encoding the RFC specifies
 * (`application/x-www-form-urlencoded`), so any OAuth device-flow client works against them.
 */
export function registerDeviceRoutes(routes: RouteRegistry, options: { devices: DeviceAuthorizationService; auditor: AuditorService }) {
  const { devices, auditor } = options;
  // The host parses JSON only; these two bodies are a few short fields, hence the small limit.
  routes.router.use(['/device/code', '/device/token'], express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 10 }));
  const notPending = (userCode: string) =>
    new NotFoundError(`No login is waiting for the code ${userCode}: it expired, was already approved or denied, or was mistyped. Run portico login again.`);

  routes.route(
    {
      method: 'post',
      path: '/device/code',
      summary: 'Start a CLI login',
      description:
        'The device authorization request of RFC 8628 (§3.1; JSON or form-encoded): a device code for the CLI to poll with and a user code ' +
        'for a person to approve at `verification_uri` (the app\'s `/device` page), both valid `expires_in` seconds (`auth.device.codeDuration`).',
      auth: 'unauthenticated',
      body: codeBody,
      response: { description: 'The codes and where to enter the user code', schema: codeAnswer },
    },
    async ({ body, req, res }) => {
      const event = await auditor.createEvent({ action: 'auth.device.code', request: req });
      const started = await devices.start({ hostname: body.hostname });
      await event.success({ meta: { clientName: started.clientName } });
      res.set('cache-control', 'no-store');
      return {
        device_code: started.deviceCode,
        user_code: started.userCode,
        verification_uri: started.verificationUri,
        verification_uri_complete: started.verificationUriComplete,
        expires_in: started.expiresInSeconds,
        interval: started.intervalSeconds,
      };
    },
  );

  routes.route(
    {
      method: 'post',
      path: '/device/token',
      summary: 'Poll for the CLI login token',
      description:
        'The device access token request of RFC 8628 (§3.4; JSON or form-encoded). Until someone approves the code the answer is a 400 ' +
        '`{ error, error_description }` with `authorization_pending`, `slow_down` (polled sooner than `interval`: add 5 s), ' +
        '`access_denied` or `expired_token` (`invalid_grant` for an unknown or already used code). Once approved, one ' +
        'poll gets a personal access token of the approving user named `portico CLI on <hostname>`, valid ' +
        '`auth.device.tokenDuration` (P90D); the code is then used up.',
      auth: 'unauthenticated',
      body: tokenBody,
      response: { description: 'The personal access token, shown once', schema: tokenAnswer },
      errors: { 400: '`{ error, error_description }`: authorization_pending, slow_down, access_denied, expired_token or invalid_grant' },
    },
    async ({ body, req, res }) => {
      const answer = await devices.poll(body.device_code);
      if (answer.outcome !== 'issued') return rfcError(res, answer.outcome);
      const event = await auditor.createEvent({ action: 'auth.device.token', request: req });
      await event.success({ meta: { id: answer.id, userEntityRef: answer.userEntityRef, clientName: answer.clientName } });
      res.set('cache-control', 'no-store');
      return {
        access_token: answer.token,
        token_type: 'Bearer' as const,
        expires_in: Math.max(0, Math.round((answer.expiresAt.getTime() - Date.now()) / 1000)),
        token_id: answer.id,
        user_entity_ref: answer.userEntityRef,
      };
    },
  );

  routes.route(
    {
      method: 'get',
      path: '/device/:user_code',
      summary: 'A pending CLI login',
      description: 'What the `/device` page shows before the signed-in user approves: which CLI asks, until when. Case, spaces and dashes of the code do not matter.',
      auth: 'user',
      params: userCodeParams,
      response: { description: 'The pending login', schema: pendingAnswer },
      errors: { 404: 'No pending login has this code (expired, decided or mistyped)' },
    },
    async ({ params }) => {
      const pending = await devices.describe(params.user_code);
      if (!pending) throw notPending(params.user_code);
      return pending;
    },
  );

  for (const decision of ['approve', 'deny'] as const) {
    routes.route(
      {
        method: 'post',
        path: `/device/:user_code/${decision}`,
        summary: decision === 'approve' ? 'Approve a CLI login' : 'Deny a CLI login',
        description:
          decision === 'approve'
            ? 'The signed-in user lets the CLI that shows this code act as them: its next poll receives a personal access token of theirs. ' +
              'With the session cookie, the CSRF header is needed like on any mutation.'
            : 'The signed-in user refuses the login: the CLI is told `access_denied`. With the session cookie, the CSRF header is needed.',
        auth: 'user',
        params: userCodeParams,
        response: { status: 204, description: decision === 'approve' ? 'Approved' : 'Denied' },
        errors: { 404: 'No pending login has this code', 409: 'The login was already approved or denied' },
      },
      async ({ params, credentials, req }) => {
        const user = signedInUser(credentials);
        const event = await auditor.createEvent({ action: `auth.device.${decision}`, request: req, severity: decision === 'approve' ? 'medium' : 'low' });
        const { result, clientName } = await devices.decide(params.user_code, decision === 'approve' ? 'approved' : 'denied', user);
        if (result !== 'decided') {
          const error = result === 'unknown' ? notPending(params.user_code) : new ConflictError('This login was already approved or denied');
          await event.fail({ error, meta: clientName ? { clientName } : undefined });
          throw error;
        }
        await event.success({ meta: { clientName: clientName ?? '' } });
      },
    );
  }
}
