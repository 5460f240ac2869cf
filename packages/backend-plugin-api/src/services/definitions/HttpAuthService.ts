import type { Request } from 'express';
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
}
