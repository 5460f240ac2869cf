import { NotAllowedError } from '@portico/errors';
import type { ResolverName } from '../config';

/** What an identity provider says about the person signing in. */
export interface SignInProfile {
  /** The provider's stable id of the person (OIDC `sub`, GitHub user id). */
  subject: string;
  /** The login name (GitHub login, OIDC `preferred_username`). */
  username?: string;
  email?: string;
  /** False when the provider says the email is not verified: email resolvers then ignore it. */
  emailVerified?: boolean;
  displayName?: string;
  picture?: string;
}

/** The values one sign-in is bound by, created at its start and checked at its callback. */
export interface SignInChecks {
  state: string;
  nonce: string;
  codeVerifier: string;
  /** This backend's callback URL for the provider. */
  redirectUri: string;
}

/** A sign-in provider: sends the browser to the identity provider and reads the profile it returns. */
export interface AuthProvider {
  id: 'oidc' | 'github';
  title: string;
  resolvers: ResolverName[];
  /** The identity provider's URL to send the browser to. */
  authorizationUrl(checks: SignInChecks): Promise<URL>;
  /**
   * Redeems the callback (`callbackUrl` with `code` and `state`) and returns the profile; throws
   * SignInError with a message for the sign-in page when anything does not match.
   */
  handleCallback(callbackUrl: URL, checks: SignInChecks): Promise<SignInProfile>;
}

/**
 * A refused sign-in: its message is shown on the app's sign-in page. A 403 (`NotAllowedError`), so the
 * audit log records it as denied, with the reason.
 */
export class SignInError extends NotAllowedError {
  override readonly name = 'SignInError';
}
