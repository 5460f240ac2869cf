import { InputError, NotAllowedError, NotFoundError } from '@portico/errors';
import { parseEntityRef, stringifyEntityRef } from '@portico/catalog-model';
import type { Exemption, ExemptionStatus } from '@portico/plugin-scorecards-common';
import type { ExemptionStore } from '../database/ExemptionStore';
import type { Notifier } from './notifications/Notifier';
import type { ScorecardRegistry } from './ScorecardRegistry';
import type { ScorecardsCatalog } from './ScorecardsCatalog';

/** Decides whether a caller may approve or reject exemptions of a scorecard (a permission call). */
export type ExemptionDecisionAuthorizer = (request: { scorecardRef: string; owner: string }) => Promise<boolean>;

export interface ExemptionServiceOptions {
  store: ExemptionStore;
  registry: ScorecardRegistry;
  catalog: ScorecardsCatalog;
  notifier: Notifier;
  /** Called after a decision so the entity's results reflect it. */
  onDecided(exemption: Exemption): void;
  now?: () => Date;
}

function normaliseRef(ref: string, field: string): string {
  try {
    return stringifyEntityRef(parseEntityRef(ref));
  } catch (error) {
    throw new InputError(`${field}: ${(error as Error).message}`);
  }
}

/** Exemption requests, decisions by the scorecard's owner, and their notifications. */
export class ExemptionService {
  private readonly now: () => Date;

  constructor(private readonly options: ExemptionServiceOptions) {
    this.now = options.now ?? (() => new Date());
  }

  async request(input: { scorecardRef: string; entityRef: string; ruleId: string; reason: string; expiresAt: string }, requestedBy: string): Promise<Exemption> {
    const scorecard = await this.options.registry.get(normaliseRef(input.scorecardRef, 'scorecardRef'));
    const entityRef = normaliseRef(input.entityRef, 'entityRef');
    const rule = scorecard.spec.rules.find(r => r.id === input.ruleId);
    if (!rule) throw new InputError(`ruleId: scorecard ${scorecard.ref} has no rule ${input.ruleId}`);
    const expiresAt = Date.parse(input.expiresAt);
    if (Number.isNaN(expiresAt)) throw new InputError('expiresAt: must be an ISO date-time');
    if (expiresAt <= this.now().getTime()) throw new InputError('expiresAt: must be in the future');
    const [entity] = await this.options.catalog.getEntitiesByRefs([entityRef]);
    if (!entity) throw new InputError(`entityRef: no entity ${entityRef} in the catalog`);
    const exemption = await this.options.store.create(
      { scorecardRef: scorecard.ref, entityRef, ruleId: rule.id, reason: input.reason, expiresAt, requestedBy },
      this.now().getTime(),
    );
    await this.options.notifier.notify([
      {
        recipient: scorecard.spec.owner,
        kind: 'exemption-requested',
        title: `Exemption requested for ${rule.title ?? rule.id} on ${entityRef}`,
        body: `${requestedBy} asks to exempt ${entityRef} from rule ${rule.id} until ${new Date(expiresAt).toISOString()}: ${input.reason}`,
        link: `/scorecards/exemptions/${exemption.id}`,
      },
    ]);
    return exemption;
  }

  list(filter: { scorecardRef?: string; entityRef?: string; status?: ExemptionStatus }): Promise<Exemption[]> {
    return this.options.store.list(filter);
  }

  async get(id: string): Promise<Exemption> {
    const exemption = await this.options.store.get(id);
    if (!exemption) throw new NotFoundError(`No exemption ${id}`);
    return exemption;
  }

  /**
   * Approves or rejects a pending exemption; only the scorecard's owner (per the authorizer) may, and never
   * the one who requested it. The decider is recorded.
   */
  async decide(
    id: string,
    decision: { status: 'approved' | 'rejected'; comment?: string },
    caller: { ref: string; authorize: ExemptionDecisionAuthorizer },
  ): Promise<Exemption> {
    const exemption = await this.get(id);
    const scorecard = await this.options.registry.get(exemption.scorecardRef);
    if (exemption.requestedBy.toLowerCase() === caller.ref.toLowerCase()) {
      throw new NotAllowedError(`${caller.ref} requested this exemption and may not decide it: another owner of ${scorecard.ref} must`);
    }
    if (!(await caller.authorize({ scorecardRef: scorecard.ref, owner: scorecard.spec.owner }))) {
      throw new NotAllowedError(`Only the owner of ${scorecard.ref} (${scorecard.spec.owner}) may decide its exemptions`);
    }
    const decided = await this.options.store.decide(id, { ...decision, decidedBy: caller.ref }, this.now().getTime());
    if (!decided) throw new InputError(`Exemption ${id} is already ${exemption.status}`);
    await this.options.notifier.notify([
      {
        recipient: exemption.requestedBy,
        kind: 'exemption-decided',
        title: `Exemption ${decided.status} for ${exemption.ruleId} on ${exemption.entityRef}`,
        body: `${caller.ref} ${decided.status} the exemption${decision.comment ? `: ${decision.comment}` : '.'}`,
        link: `/scorecards/exemptions/${id}`,
      },
    ]);
    this.options.onDecided(decided);
    return decided;
  }
}
