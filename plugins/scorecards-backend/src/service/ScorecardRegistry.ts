import type { LoggerService } from '@portico/backend-plugin-api';
import { NotFoundError, ConflictError } from '@portico/errors';
import { SCORECARD_KIND } from '@portico/plugin-scorecards-common';
import type { RuleType } from '../extensions';
import { createScorecardCompiler, type CompileResult, type CompiledScorecard } from './compileScorecard';
import type { ScorecardsCatalog } from './ScorecardsCatalog';

/** The Scorecard entities of the catalog, compiled, cached for a short while. */
export class ScorecardRegistry {
  private readonly compile: (entity: Parameters<ReturnType<typeof createScorecardCompiler>>[0]) => CompileResult;
  private cache: { at: number; results: CompileResult[] } | undefined;
  private loading: Promise<CompileResult[]> | undefined;

  constructor(
    private readonly catalog: ScorecardsCatalog,
    ruleTypes: ReadonlyMap<string, RuleType<unknown>>,
    private readonly logger: LoggerService,
    private readonly ttlMs = 5_000,
  ) {
    this.compile = createScorecardCompiler(ruleTypes);
  }

  /** Every Scorecard in the catalog, valid or not. */
  async list(): Promise<CompileResult[]> {
    if (this.cache && Date.now() - this.cache.at < this.ttlMs) return this.cache.results;
    this.loading ??= (async () => {
      try {
        const entities = await this.catalog.getEntities({ kind: SCORECARD_KIND });
        const results = entities.map(entity => this.compile(entity));
        for (const r of results) {
          if (!r.ok) this.logger.warn(`Scorecard ${r.ref} is invalid and will not evaluate: ${r.errors.join('; ')}`);
        }
        this.cache = { at: Date.now(), results };
        return results;
      } finally {
        this.loading = undefined;
      }
    })();
    return this.loading;
  }

  async valid(): Promise<CompiledScorecard[]> {
    return (await this.list()).flatMap(r => (r.ok ? [r.scorecard] : []));
  }

  /** A valid scorecard by ref: NotFoundError when absent, ConflictError naming the errors when invalid. */
  async get(ref: string): Promise<CompiledScorecard> {
    const found = (await this.list()).find(r => r.ref === ref);
    if (!found) throw new NotFoundError(`No scorecard ${ref}`);
    if (!found.ok) throw new ConflictError(`Scorecard ${ref} is invalid: ${found.errors.join('; ')}`);
    return found.scorecard;
  }

  invalidate(): void {
    this.cache = undefined;
  }
}
