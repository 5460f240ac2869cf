import { randomBytes } from 'node:crypto';
import type { UserTokenService } from '@portico/backend-plugin-api';
import type { AuthConfig } from '../config';
import type { DecideResult, DeviceCodeStore } from '../database/DeviceCodeStore';
import { newUserCode, normalizeUserCode } from './userCode';

/** A new device authorization, as the CLI is told about it (RFC 8628 §3.2). */
export interface StartedDeviceAuthorization {
  deviceCode: string;
  userCode: string;
  clientName: string;
  verificationUri: string;
  verificationUriComplete: string;
  expiresInSeconds: number;
  intervalSeconds: number;
}

/** One poll's answer: the token, or the RFC 8628 §3.5 / RFC 6749 §5.2 error code. */
export type DevicePollAnswer =
  | { outcome: 'issued'; token: string; id: string; userEntityRef: string; clientName: string; expiresAt: Date }
  | { outcome: 'authorization_pending' | 'slow_down' | 'access_denied' | 'expired_token' | 'invalid_grant' };

/** What the approval page shows about a pending code. */
export interface PendingDeviceAuthorization {
  userCode: string;
  clientName: string;
  expiresAt: string;
}

const POLL_ERRORS = { unknown: 'invalid_grant', expired: 'expired_token', pending: 'authorization_pending', slow_down: 'slow_down', denied: 'access_denied' } as const;

/**
 * `portico login` as an RFC 8628 device authorization: the CLI gets a device code to poll with and a user code
 * a signed-in person approves in the browser; the approved poll gets a personal access token of that person,
 * once.
 */
export class DeviceAuthorizationService {
  constructor(
    private readonly options: {
      store: DeviceCodeStore;
      userTokens: UserTokenService;
      config: AuthConfig['device'];
      /** `<app>/device`, where a person enters the code. */
      verificationUri: string;
    },
  ) {}

  async start(options: { hostname?: string }): Promise<StartedDeviceAuthorization> {
    const { store, config, verificationUri } = this.options;
    const clientName = options.hostname ? `portico CLI on ${options.hostname}` : 'portico CLI';
    const deviceCode = randomBytes(32).toString('base64url');
    let lastError: unknown;
    for (let attempt = 0; attempt < 5; attempt++) {
      const userCode = newUserCode();
      // Two instances drawing the same free code at once: the unique index refuses one, which draws again.
      const saved = await store.create({ deviceCode, userCode, clientName, ttlMs: config.codeDuration }).catch((error: unknown) => {
        lastError = error;
        return false;
      });
      if (!saved) continue;
      return {
        deviceCode,
        userCode,
        clientName,
        verificationUri,
        verificationUriComplete: `${verificationUri}?user_code=${encodeURIComponent(userCode)}`,
        expiresInSeconds: Math.round(config.codeDuration / 1000),
        intervalSeconds: Math.max(1, Math.ceil(config.interval / 1000)),
      };
    }
    throw lastError ?? new Error('Could not draw a free user code in 5 attempts');
  }

  async poll(deviceCode: string): Promise<DevicePollAnswer> {
    const { store, config, userTokens } = this.options;
    const result = await store.poll(deviceCode, config.interval);
    if (result.outcome !== 'approved') return { outcome: POLL_ERRORS[result.outcome] };
    const { clientName, approvedBy } = result.authorization;
    if (!approvedBy) return { outcome: 'invalid_grant' };
    const expiresAt = new Date(Date.now() + config.tokenDuration);
    const created = await userTokens.createPersonalAccessToken({ ...approvedBy, name: clientName, expiresAt });
    return { outcome: 'issued', token: created.token, id: created.id, userEntityRef: approvedBy.userEntityRef, clientName, expiresAt: created.expiresAt ?? expiresAt };
  }

  /** The pending authorization a typed code names; undefined when the code is malformed, unknown, expired or decided. */
  async describe(typedCode: string): Promise<PendingDeviceAuthorization | undefined> {
    const userCode = normalizeUserCode(typedCode);
    const found = userCode ? await this.options.store.findByUserCode(userCode) : undefined;
    if (!userCode || !found || found.status !== 'pending') return undefined;
    return { userCode, clientName: found.clientName, expiresAt: new Date(found.expiresAt).toISOString() };
  }

  async decide(
    typedCode: string,
    decision: 'approved' | 'denied',
    user: { userEntityRef: string; ownershipEntityRefs: string[] },
  ): Promise<{ result: DecideResult; clientName?: string }> {
    const userCode = normalizeUserCode(typedCode);
    if (!userCode) return { result: 'unknown' };
    const found = await this.options.store.findByUserCode(userCode);
    const result = await this.options.store.decide({ userCode, decision, ...user });
    return { result, clientName: found?.clientName };
  }
}
