import { randomUUID } from 'node:crypto';
import type { Exemption, ExemptionStatus } from '@portico/plugin-scorecards-common';
import type { Knex } from 'knex';
import { optionalIso, toIso } from './dbValues';

export interface NewExemption {
  scorecardRef: string;
  entityRef: string;
  ruleId: string;
  reason: string;
  expiresAt: number;
  requestedBy: string;
}

function fromRow(row: Record<string, unknown>): Exemption {
  return {
    id: String(row.id),
    scorecardRef: String(row.scorecard_ref),
    entityRef: String(row.entity_ref),
    ruleId: String(row.rule_id),
    reason: String(row.reason),
    expiresAt: toIso(row.expires_at),
    status: row.status as ExemptionStatus,
    requestedBy: String(row.requested_by),
    ...(row.decided_by ? { decidedBy: String(row.decided_by) } : {}),
    ...(optionalIso(row.decided_at) ? { decidedAt: optionalIso(row.decided_at) } : {}),
    ...(row.comment ? { comment: String(row.comment) } : {}),
    createdAt: toIso(row.created_at),
  };
}

/** Exemption requests and decisions. */
export class ExemptionStore {
  constructor(private readonly knex: Knex) {}

  async create(input: NewExemption, now: number): Promise<Exemption> {
    const row = {
      id: randomUUID(),
      scorecard_ref: input.scorecardRef,
      entity_ref: input.entityRef,
      rule_id: input.ruleId,
      reason: input.reason,
      expires_at: input.expiresAt,
      status: 'pending',
      requested_by: input.requestedBy,
      decided_by: null,
      decided_at: null,
      comment: null,
      created_at: now,
    };
    await this.knex('exemptions').insert(row);
    return fromRow(row);
  }

  async get(id: string): Promise<Exemption | undefined> {
    const row = await this.knex('exemptions').where({ id }).first();
    return row ? fromRow(row) : undefined;
  }

  async list(filter: { scorecardRef?: string; entityRef?: string; status?: ExemptionStatus }): Promise<Exemption[]> {
    const q = this.knex('exemptions').orderBy('created_at', 'desc');
    if (filter.scorecardRef) q.where({ scorecard_ref: filter.scorecardRef });
    if (filter.entityRef) q.where({ entity_ref: filter.entityRef });
    if (filter.status) q.where({ status: filter.status });
    return (await q).map(fromRow);
  }

  /** Records a decision on a pending exemption; returns undefined when it was not pending. */
  async decide(id: string, decision: { status: 'approved' | 'rejected'; decidedBy: string; comment?: string }, now: number): Promise<Exemption | undefined> {
    const updated = await this.knex('exemptions')
      .where({ id, status: 'pending' })
      .update({ status: decision.status, decided_by: decision.decidedBy, decided_at: now, comment: decision.comment ?? null });
    return updated ? this.get(id) : undefined;
  }

  /** Approved exemptions in force at `now`: entity ref → exempted rule ids. */
  async activeExemptions(scorecardRef: string, now: number, entityRefs?: readonly string[]): Promise<Map<string, Set<string>>> {
    const q = this.knex('exemptions').where({ scorecard_ref: scorecardRef, status: 'approved' }).where('expires_at', '>', now);
    if (entityRefs) q.whereIn('entity_ref', entityRefs);
    const out = new Map<string, Set<string>>();
    for (const row of await q.select('entity_ref', 'rule_id')) {
      let rules = out.get(row.entity_ref);
      if (!rules) out.set(row.entity_ref, (rules = new Set()));
      rules.add(row.rule_id);
    }
    return out;
  }

  /** Approved exemptions that expired in (since, until]: their entities need re-evaluation. */
  async expiredBetween(since: number, until: number): Promise<Exemption[]> {
    const rows = await this.knex('exemptions').where({ status: 'approved' }).where('expires_at', '>', since).where('expires_at', '<=', until);
    return rows.map(fromRow);
  }

  /**
   * Approved exemptions that expired by `now` and were not handed out here before, marked as handed out: each is
   * returned once, whichever instance asks and however long since the last check (the mark is in the database).
   * Call it from one instance at a time (a global task); a crash after it returns loses at most that batch's
   * re-evaluation, which the next change or scheduled evaluation of the entity makes up.
   */
  async takeExpired(now: number): Promise<Exemption[]> {
    const rows = await this.knex('exemptions').where({ status: 'approved' }).whereNull('expiry_handled_at').whereNotNull('expires_at').where('expires_at', '<=', now);
    if (rows.length === 0) return [];
    const ids = rows.map(r => r.id as string);
    for (let i = 0; i < ids.length; i += 500) await this.knex('exemptions').whereIn('id', ids.slice(i, i + 500)).update({ expiry_handled_at: now });
    return rows.map(fromRow);
  }
}
