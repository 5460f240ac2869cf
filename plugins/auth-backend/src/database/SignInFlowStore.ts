import type { Knex } from 'knex';

/** What a sign-in started at an identity provider must match when it comes back. */
export interface SignInFlow {
  state: string;
  provider: string;
  nonce: string;
  codeVerifier: string;
  /** The app path to land on (already checked to be same-origin and relative). */
  redirect: string;
}

interface FlowRow {
  state: string;
  provider: string;
  nonce: string;
  code_verifier: string;
  redirect: string;
  expires_at: number | string;
}

/** Pending sign-ins, kept in the database so that the callback may reach another instance. */
export class SignInFlowStore {
  constructor(private readonly knex: Knex) {}

  async save(flow: SignInFlow, ttlMs: number, now = Date.now()): Promise<void> {
    await this.knex<FlowRow>('sign_in_flows').insert({
      state: flow.state,
      provider: flow.provider,
      nonce: flow.nonce,
      code_verifier: flow.codeVerifier,
      redirect: flow.redirect,
      expires_at: now + ttlMs,
    });
  }

  /** Takes the flow out (a state is good once); undefined when unknown or expired. */
  async consume(state: string, now = Date.now()): Promise<SignInFlow | undefined> {
    const row = await this.knex<FlowRow>('sign_in_flows').where({ state }).first();
    if (!row) return undefined;
    const deleted = await this.knex('sign_in_flows').where({ state }).delete();
    if (deleted !== 1 || Number(row.expires_at) <= now) return undefined;
    return { state: row.state, provider: row.provider, nonce: row.nonce, codeVerifier: row.code_verifier, redirect: row.redirect };
  }

  async deleteExpired(now = Date.now()): Promise<number> {
    return this.knex('sign_in_flows').where('expires_at', '<=', now).delete();
  }
}
