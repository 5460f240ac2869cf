import { randomBytes } from 'node:crypto';
import type { Response, Router } from 'express';
import { z } from 'zod';
import {
  createRouteRegistry,
  type AuditorService,
  type HttpAuthService,
  type LoggerService,
  type UserTokenService,
} from '@portico/backend-plugin-api';
import { AuthenticationError, InputError, NotAllowedError, NotFoundError } from '@portico/errors';
import type { AuthConfig } from './config';
import type { SignInFlowStore } from './database/SignInFlowStore';
import { registerDeviceRoutes } from './deviceRoutes';
import { SignInError, type AuthProvider } from './providers/types';
import { safeRedirect } from './redirectTarget';
import type { DeviceAuthorizationService } from './service/DeviceAuthorizationService';
import type { SignedIn, SignInService } from './service/SignInService';
import { checkCsrf, readCookie, REFRESH_COOKIE, STATE_COOKIE, type CookieWriter } from './sessionCookies';

/** How long a sign-in may stay at the identity provider before its state is forgotten. */
const FLOW_TTL_MS = 10 * 60_000;

export interface RouterOptions {
  config: AuthConfig;
  providers: Map<string, AuthProvider>;
  signIn: SignInService;
  flows: SignInFlowStore;
  /** `portico login` (device authorization, RFC 8628). */
  devices: DeviceAuthorizationService;
  userTokens: UserTokenService;
  httpAuth: HttpAuthService;
  auditor: AuditorService;
  cookies: CookieWriter;
  logger: LoggerService;
  /** `<backend external URL>/api/auth`: where identity providers send the browser back. */
  externalBaseUrl: string;
  /** Origin of the app (`auth.appBaseUrl`, else `backend.baseUrl`), '' to answer with relative redirects. */
  appBaseUrl: string;
}

const providerParams = z.object({ provider: z.string() });
const startQuery = z.object({ redirect: z.string().optional() });
const profileSchema = z.object({ displayName: z.string().optional(), email: z.string().optional(), picture: z.string().optional() });
const sessionAnswer = z.object({
  userEntityRef: z.string(),
  ownershipEntityRefs: z.array(z.string()),
  expiresAt: z.string().describe('When the access token in the session cookie expires'),
});
const tokenInfo = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.string(),
  expiresAt: z.string().optional(),
  lastUsedAt: z.string().optional(),
});
const createTokenBody = z.object({
  name: z.string().trim().min(1).max(100),
  /** ISO date-time in the future; without it the token does not expire. */
  expiresAt: z.iso.datetime({ offset: true }).optional(),
});

const random = () => randomBytes(32).toString('base64url');

/** The auth plugin's HTTP API, served at /api/auth. */
export function createRouter(options: RouterOptions): Router {
  const { config, providers, signIn, flows, devices, userTokens, httpAuth, auditor, cookies, logger } = options;
  const routes = createRouteRegistry({
    pluginId: 'auth',
    title: 'Portico auth',
    description:
      'Sign-in providers, sessions, the signed-in user, personal access tokens, CLI logins (device authorization) and the keys user tokens are signed with.',
    httpAuth,
    auditor,
  });

  const callbackUrl = (provider: string) => `${options.externalBaseUrl}/${provider}/handler/frame`;
  const appUrl = (path: string) => `${options.appBaseUrl}${path}`;
  const signInPage = (message: string) => appUrl(`/sign-in?error=${encodeURIComponent(message)}`);

  /** Sets the host's session cookie and the refresh cookie of a new or refreshed session. */
  function setSessionCookies(res: Response, session: SignedIn) {
    httpAuth.issueUserCookie(res, session.accessToken);
    cookies.setRefresh(res, session.refreshToken.token, session.refreshToken.expiresAt);
  }

  const answer = (session: SignedIn) => ({
    userEntityRef: session.userEntityRef,
    ownershipEntityRefs: session.ownershipEntityRefs,
    expiresAt: session.accessToken.expiresAt.toISOString(),
  });

  function findProvider(id: string): AuthProvider {
    const provider = providers.get(id);
    if (!provider) throw new NotFoundError(`No sign-in provider '${id}' is configured (auth.providers)`);
    return provider;
  }

  routes.route(
    {
      method: 'get',
      path: '/providers',
      summary: 'The sign-in providers',
      description: 'The providers configured under `auth.providers`, plus `guest` when `auth.allowGuest` is true.',
      auth: 'unauthenticated',
      response: {
        description: 'Providers',
        schema: z.object({ providers: z.array(z.object({ id: z.string(), title: z.string() })), allowGuest: z.boolean() }),
      },
    },
    () => ({
      providers: [
        ...[...providers.values()].map(p => ({ id: p.id, title: p.title })),
        ...(config.allowGuest ? [{ id: 'guest', title: 'Guest' }] : []),
      ],
      allowGuest: config.allowGuest,
    }),
  );

  routes.route(
    {
      method: 'get',
      path: '/:provider/start',
      summary: 'Start a sign-in',
      description:
        'Redirects the browser to the identity provider (authorization code with PKCE, a new state and nonce). ' +
        '`redirect` is the app path to land on afterwards; only a same-origin relative path is accepted.',
      auth: 'unauthenticated',
      params: providerParams,
      query: startQuery,
      response: { status: 302, description: 'To the identity provider' },
      errors: { 404: 'No such provider' },
    },
    async ({ params, query, res }) => {
      const provider = findProvider(params.provider);
      const redirect = safeRedirect(query.redirect);
      const flow = { state: random(), nonce: random(), codeVerifier: random(), provider: provider.id, redirect };
      const url = await provider.authorizationUrl({ ...flow, redirectUri: callbackUrl(provider.id) }).catch(error => {
        if (error instanceof SignInError) throw new InputError(error.message);
        throw error;
      });
      await flows.save(flow, FLOW_TTL_MS);
      cookies.setState(res, flow.state, FLOW_TTL_MS);
      res.redirect(302, url.toString());
    },
  );

  routes.route(
    {
      method: 'get',
      path: '/:provider/handler/frame',
      summary: 'Sign-in callback',
      description:
        "The identity provider's redirect back: checks state (against the browser's state cookie), PKCE and nonce, " +
        'resolves the catalog User, sets the session cookies and redirects to the app. Any failure lands on ' +
        "the app's `/sign-in?error=<message>`.",
      auth: 'unauthenticated',
      params: providerParams,
      response: { status: 302, description: 'To the app, or to its sign-in page with an error' },
    },
    async ({ params, req, res }) => {
      const event = await auditor.createEvent({ action: 'auth.sign-in', request: req, meta: { provider: params.provider } });
      const browserState = readCookie(req, STATE_COOKIE);
      cookies.clearState(res);
      try {
        const provider = providers.get(params.provider);
        if (!provider) throw new SignInError(`No sign-in provider '${params.provider}' is configured`);
        const current = new URL(req.originalUrl, options.externalBaseUrl);
        const idpError = current.searchParams.get('error');
        // Only the error code: the description arrives in the URL, where anyone could have written it.
        if (idpError) throw new SignInError(`${provider.title} refused the sign-in (${/^[\w.-]{1,64}$/.test(idpError) ? idpError : 'error'})`);
        const state = current.searchParams.get('state');
        if (!state || !browserState || state !== browserState) {
          throw new SignInError('The sign-in state does not match this browser: start the sign-in again');
        }
        const flow = await flows.consume(state);
        if (!flow || flow.provider !== provider.id) throw new SignInError('The sign-in has expired or was already used: start it again');
        // The URL the provider redirected to, as it saw it (this backend's external callback URL).
        const callback = new URL(callbackUrl(provider.id));
        callback.search = current.search;
        const profile = await provider.handleCallback(callback, { ...flow, redirectUri: callbackUrl(provider.id) });
        const session = await signIn.signInWithProfile(provider, profile);
        setSessionCookies(res, session);
        await event.success({ meta: { provider: provider.id, userEntityRef: session.userEntityRef } });
        res.redirect(302, appUrl(flow.redirect));
      } catch (error) {
        await event.fail({ error });
        if (!(error instanceof SignInError)) logger.error(`Sign-in through ${params.provider} failed: ${(error as Error).stack ?? error}`);
        const message = error instanceof SignInError ? error.message : 'Sign-in failed; the server log says why';
        res.redirect(302, signInPage(message));
      }
    },
  );

  routes.route(
    {
      method: 'post',
      path: '/guest/sign-in',
      summary: 'Sign in as the guest',
      description: 'Signs the browser in as `user:default/guest` (ownership from the catalog) when `auth.allowGuest` is true.',
      auth: 'unauthenticated',
      response: { description: 'The new session', schema: sessionAnswer },
      errors: { 403: 'Guest sign-in is not enabled' },
    },
    async ({ req, res }) => {
      if (!config.allowGuest) throw new NotAllowedError('Guest sign-in is not enabled (auth.allowGuest)');
      const event = await auditor.createEvent({ action: 'auth.sign-in', request: req, meta: { provider: 'guest' } });
      const session = await signIn.signInAsGuest();
      setSessionCookies(res, session);
      await event.success({ meta: { provider: 'guest', userEntityRef: session.userEntityRef } });
      return answer(session);
    },
  );

  routes.route(
    {
      method: 'post',
      path: '/refresh',
      summary: 'Renew the session',
      description:
        'Swaps the refresh cookie for a new one (rotation: an old one used again ends the session) and sets a new ' +
        'session cookie. Needs the `x-csrf-token` header echoing the `portico_csrf` cookie.',
      auth: 'unauthenticated',
      response: { description: 'The renewed session', schema: sessionAnswer },
      errors: { 401: 'No session (no refresh cookie), or it expired or was ended', 403: 'CSRF token missing or wrong' },
    },
    async ({ req, res }) => {
      // Without a refresh cookie there is no session to renew (401, sign in); the CSRF check guards the cookie.
      const refreshToken = readCookie(req, REFRESH_COOKIE);
      if (!refreshToken) throw new AuthenticationError('Missing refresh cookie: sign in');
      checkCsrf(req);
      try {
        const session = await signIn.refresh(refreshToken);
        setSessionCookies(res, session);
        return answer(session);
      } catch (error) {
        if (error instanceof AuthenticationError) {
          cookies.clearRefresh(res);
          httpAuth.clearUserCookie(res);
        }
        throw error;
      }
    },
  );

  routes.route(
    {
      method: 'post',
      path: '/sign-out',
      summary: 'Sign out',
      description: 'Ends the session (its refresh token stops working) and clears the cookies. Needs the CSRF header.',
      auth: 'unauthenticated',
      response: { status: 204, description: 'Signed out' },
      errors: { 403: 'CSRF token missing or wrong' },
    },
    async ({ req, res }) => {
      checkCsrf(req);
      const event = await auditor.createEvent({ action: 'auth.sign-out', request: req });
      await signIn.signOut(readCookie(req, REFRESH_COOKIE));
      cookies.clearRefresh(res);
      httpAuth.clearUserCookie(res);
      await event.success();
    },
  );

  routes.route(
    {
      method: 'get',
      path: '/me',
      summary: 'The signed-in user',
      description: 'The user ref, ownership refs, profile from the catalog User, and when the access token expires.',
      auth: 'user',
      response: {
        description: 'The user',
        schema: z.object({
          userEntityRef: z.string(),
          ownershipEntityRefs: z.array(z.string()),
          profile: profileSchema,
          expiresAt: z.string().optional(),
        }),
      },
      errors: { 401: 'Not signed in' },
    },
    async ({ credentials }) => {
      if (credentials.principal.type !== 'user') throw new AuthenticationError('Not signed in');
      const { userEntityRef, ownershipEntityRefs } = credentials.principal;
      return {
        userEntityRef,
        ownershipEntityRefs,
        profile: await signIn.profile(userEntityRef),
        ...(credentials.expiresAt ? { expiresAt: credentials.expiresAt.toISOString() } : {}),
      };
    },
  );

  const userOf = (credentials: { principal: { type: string; userEntityRef?: string; ownershipEntityRefs?: string[] } }) => {
    if (credentials.principal.type !== 'user' || !credentials.principal.userEntityRef) throw new AuthenticationError('Not signed in');
    return { userEntityRef: credentials.principal.userEntityRef, ownershipEntityRefs: credentials.principal.ownershipEntityRefs ?? [] };
  };

  routes.route(
    {
      method: 'get',
      path: '/tokens',
      summary: 'My personal access tokens',
      description: "The signed-in user's personal access tokens (never their secrets).",
      auth: 'user',
      response: { description: 'Tokens', schema: z.object({ items: z.array(tokenInfo) }) },
    },
    async ({ credentials }) => ({ items: await userTokens.listPersonalAccessTokens(userOf(credentials).userEntityRef) }),
  );

  routes.route(
    {
      method: 'post',
      path: '/tokens',
      summary: 'Create a personal access token',
      description:
        'A token that acts as the signed-in user (with their ownership at their last sign-in) for scripts and CI. ' +
        'The secret (`token`, `pat_<id>_<secret>`) is in this answer only; it is stored hashed.',
      auth: 'user',
      body: createTokenBody,
      response: { status: 201, description: 'The token, with its secret shown once', schema: tokenInfo.extend({ token: z.string() }) },
    },
    async ({ credentials, body, req }) => {
      const user = userOf(credentials);
      const expiresAt = body.expiresAt ? new Date(body.expiresAt) : undefined;
      if (expiresAt && expiresAt.getTime() <= Date.now()) throw new InputError('body.expiresAt: must be in the future');
      const event = await auditor.createEvent({ action: 'auth.token.create', request: req, meta: { name: body.name } });
      const created = await userTokens.createPersonalAccessToken({ ...user, name: body.name, expiresAt });
      await event.success({ meta: { id: created.id } });
      return {
        id: created.id,
        name: body.name,
        createdAt: new Date().toISOString(),
        token: created.token,
        ...(created.expiresAt ? { expiresAt: created.expiresAt.toISOString() } : {}),
      };
    },
  );

  routes.route(
    {
      method: 'delete',
      path: '/tokens/:id',
      summary: 'Revoke a personal access token',
      description: 'The token stops working at once.',
      auth: 'user',
      params: z.object({ id: z.string() }),
      response: { status: 204, description: 'Revoked' },
      errors: { 404: 'You have no such token' },
    },
    async ({ credentials, params, req }) => {
      const user = userOf(credentials);
      const event = await auditor.createEvent({ action: 'auth.token.revoke', resourceRef: params.id, request: req });
      if (!(await userTokens.revokePersonalAccessToken({ userEntityRef: user.userEntityRef, id: params.id }))) {
        const error = new NotFoundError(`You have no personal access token ${params.id}`);
        await event.fail({ error });
        throw error;
      }
      await event.success();
    },
  );

  routes.route(
    {
      method: 'get',
      path: '/.well-known/jwks.json',
      summary: 'Public keys of user tokens',
      description: 'The JWKS of the keys the host signs user tokens with (current and recent ones, during rotation).',
      auth: 'unauthenticated',
      response: { description: 'JWKS', schema: z.object({ keys: z.array(z.record(z.string(), z.unknown())) }) },
    },
    () => userTokens.getJwks(),
  );

  registerDeviceRoutes(routes, { devices, auditor });

  return routes.router;
}

