import type { Request, Response } from 'express';
import type { Credentials, Principal } from './AuthService';

/** Reads who is calling from an incoming request. */
export interface HttpAuthService {
  /**
   * The caller's credentials. With `allow`, a caller of another principal type is refused
   * with an AuthenticationError (401) or NotAllowedError (403).
   */
  credentials<T extends Principal['type'] = Principal['type']>(
    req: Request,
    options?: { allow?: T[] },
  ): Promise<Credentials<Extract<Principal, { type: T }>>>;
  /**
   * Sets the session cookies (HttpOnly, SameSite=Lax, Secure behind https) holding a user token issued by
   * `userTokens.issueUserToken`, plus the CSRF cookie the browser echoes in `x-csrf-token` on mutating calls.
   */
  issueUserCookie(res: Response, options: { token: string; expiresAt: Date }): void;
  /** Clears the session and CSRF cookies (sign-out). */
  clearUserCookie(res: Response): void;
}
