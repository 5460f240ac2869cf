import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import { parse, serialize } from 'cookie';

/** The user access token (HttpOnly). */
export const SESSION_COOKIE = 'portico_session';
/** The CSRF token, readable by the app's JavaScript, echoed in {@link CSRF_HEADER} on mutating calls. */
export const CSRF_COOKIE = 'portico_csrf';
export const CSRF_HEADER = 'x-csrf-token';
/** Methods that change something: a cookie-authenticated call with one needs the CSRF header. */
export const MUTATING_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const CSRF_PATTERN = /^[A-Za-z0-9_-]{43}$/;
const COOKIES = Symbol('portico.cookies');

/** The request's cookies, parsed once. */
export function requestCookies(req: Request): Record<string, string | undefined> {
  const tagged = req as unknown as Record<symbol, Record<string, string | undefined> | undefined>;
  tagged[COOKIES] ??= req.headers.cookie ? parse(req.headers.cookie) : {};
  return tagged[COOKIES]!;
}

/** Whether the request echoes the CSRF cookie in the header (double submit, compared in constant time). */
export function hasValidCsrfToken(req: Request): boolean {
  const cookie = requestCookies(req)[CSRF_COOKIE];
  const header = req.get(CSRF_HEADER);
  if (!cookie || !header || cookie.length !== header.length) return false;
  return timingSafeEqual(Buffer.from(cookie), Buffer.from(header));
}

function appendSetCookie(res: Response, value: string): void {
  const existing = res.getHeader('set-cookie');
  const list = existing === undefined ? [] : Array.isArray(existing) ? existing : [String(existing)];
  res.setHeader('set-cookie', [...list, value]);
}

/**
 * Sets the session cookie and the CSRF cookie. The CSRF value of the browser is kept when it has one, so
 * a request in flight while the session is refreshed still carries a valid header.
 */
export function setSessionCookies(res: Response, options: { token: string; expiresAt: Date; secure: boolean }): void {
  const existing = res.req ? requestCookies(res.req)[CSRF_COOKIE] : undefined;
  const csrf = existing && CSRF_PATTERN.test(existing) ? existing : randomBytes(32).toString('base64url');
  const common = { path: '/', sameSite: 'lax' as const, secure: options.secure };
  appendSetCookie(res, serialize(SESSION_COOKIE, options.token, { ...common, httpOnly: true, expires: options.expiresAt }));
  // A browser-session cookie: it outlives access tokens, which the app refreshes.
  appendSetCookie(res, serialize(CSRF_COOKIE, csrf, common));
}

export function clearSessionCookies(res: Response, options: { secure: boolean }): void {
  const common = { path: '/', sameSite: 'lax' as const, secure: options.secure, expires: new Date(0) };
  appendSetCookie(res, serialize(SESSION_COOKIE, '', { ...common, httpOnly: true }));
  appendSetCookie(res, serialize(CSRF_COOKIE, '', common));
}
