import { timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import { NotAllowedError } from '@portico/errors';

/** The refresh token of the session: HttpOnly, sent only to /api/auth. */
export const REFRESH_COOKIE = 'portico_refresh';
/** Binds a sign-in started at an identity provider to the browser that started it. */
export const STATE_COOKIE = 'portico_auth_state';
/** The host's double-submit CSRF cookie and the header that must echo it. */
export const CSRF_COOKIE = 'portico_csrf';
export const CSRF_HEADER = 'x-csrf-token';

const AUTH_PATH = '/api/auth';

/** The value of one cookie of the request. */
export function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export interface CookieWriter {
  setRefresh(res: Response, token: string, expiresAt: Date): void;
  clearRefresh(res: Response): void;
  setState(res: Response, state: string, maxAgeMs: number): void;
  clearState(res: Response): void;
}

/** Cookies the auth plugin owns (the session and CSRF cookies belong to the host's httpAuth). */
export function cookieWriter(options: { secure: boolean }): CookieWriter {
  const base = { httpOnly: true, sameSite: 'lax' as const, secure: options.secure, path: AUTH_PATH };
  return {
    setRefresh: (res, token, expiresAt) => res.cookie(REFRESH_COOKIE, token, { ...base, expires: expiresAt }),
    clearRefresh: res => res.clearCookie(REFRESH_COOKIE, base),
    setState: (res, state, maxAgeMs) => res.cookie(STATE_COOKIE, state, { ...base, maxAge: maxAgeMs }),
    clearState: res => res.clearCookie(STATE_COOKIE, base),
  };
}

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * The double-submit check for routes the refresh cookie authenticates (refresh, sign-out): the
 * `x-csrf-token` header must equal the `portico_csrf` cookie, which another site can neither read nor set.
 */
export function checkCsrf(req: Request): void {
  const cookie = readCookie(req, CSRF_COOKIE);
  const header = req.get(CSRF_HEADER);
  if (!cookie || !header || !sameSecret(cookie, header)) throw new NotAllowedError('CSRF token missing or wrong');
}
