import { hash as oneShotHash, randomFillSync, randomUUID } from 'node:crypto';
import { ServiceUnavailableError } from '@portico/errors';
import { ANNOTATION_ORPHAN, FORBIDDEN_ENTITY_KEYS, findForbiddenKey, stringifyEntityRef, type Entity } from '@portico/catalog-model';
import type { CatalogEntitiesChangedPayload, CatalogProcessor, DeferredEntity, EntityProviderError, EntityProviderMutation } from '@portico/plugin-catalog-node';
import type { BatchSession, BatchWrite, CatalogStore, EntityRow, EntityWrite, ErrorRecord, HistoryWrite } from '../database/CatalogStore';
import { diffEntities } from './entityDiff';
import { DEFAULT_MAX_ENTITY_BYTES, findShapeProblem, guessEntityRef, processEntity, type EntityLimits, type ProcessedEntity } from './EntityProcessor';
import type { KindRegistry } from './KindRegistry';
import { yieldToEventLoop } from '../yieldToEventLoop';
import { WriteTurn } from './WriteTurn';

export type OrphanStrategy = 'delete' | 'keep';


export interface IngestionServiceOptions {
  store: CatalogStore;
  kinds: KindRegistry;
  orphanStrategy?: OrphanStrategy;
  /** Size limits every entity is held to (`catalog.limits`). */
  limits?: EntityLimits;
  /** Called after each committed mutation that changed something. */
  onChanges?(changes: CatalogEntitiesChangedPayload): void | Promise<void>;
  /** `onChanges` threw: the changes stay in the outbox (`outboxRows` rows) to be announced later. */
  onPublishFailed?(error: unknown, outboxRows: number): void;
  /** `catalog.processors`: run on each entity, in order, before its hash is taken. */
  processors?: readonly CatalogProcessor[];
  now?(): number;
}

const ORPHAN_HASH = 'orphan';
/** The longest pause of a long write between two of its transactions (see IngestionService.giveWay). */
const LONG_WRITE_MAX_PAUSE_MS = 100;

/** The state of one mutation while its chunks are processed. */
interface MutationRun {
  provider: string;
  at: number;
  isFull: boolean;
  /** What the provider owned before (full), or the rows a delta removes. */
  owned: Map<string, { id: string; hash: string; locationKey: string | null }>;
  /** Refs this mutation emits, valid or not (never orphaned), with the location that emitted them first. */
  emitted: Map<string, string | null>;
  errors: ErrorRecord[];
  touchedRefs: string[];
  changes: CatalogEntitiesChangedPayload;
  yieldCounter: number;
  /** A part of the mutation was written (the next one gives way first). */
  written?: boolean;
  /** The mutation took more than one transaction (it gave way in between). */
  long?: boolean;
  /** When it last got the turn back (performance.now()). */
  workingSince?: number;
}

/** A full mutation's entities as chunks, whether given as one array or streamed. */
async function* chunksOf(entities: DeferredEntity[] | AsyncIterable<DeferredEntity[]>): AsyncIterable<DeferredEntity[]> {
  if (Array.isArray(entities)) {
    for (let i = 0; i < entities.length; i += 2000) yield entities.slice(i, i + 2000);
  } else {
    for await (const chunk of entities) yield chunk;
  }
}
/** Errors a provider reports about files, as opposed to the ones processing finds. */
const READ_TYPES: ErrorRecord['type'][] = ['read', 'parse', 'policy'];

function hashInput(json: string, locationKey: string | undefined): string {
  // the one-shot hash is half the cost of a Hash object for inputs this small; the same bytes, so the same digest
  return oneShotHash('sha1', `${json}\u0000${locationKey ?? ''}`, 'hex');
}

/** Random bytes for etags, drawn 16 at a time and refilled in one call per 256 etags. */
const etagBytes = Buffer.alloc(16 * 256);
let etagOffset = etagBytes.length;

/**
 * 32 random hex digits. A load of 10,000 entities makes 10,000 of them: as a UUID with its dashes removed they took
 * 26 ms of the main thread in a CPU profile of that load (a UUID's formatting, then a regular expression over it);
 * hex of pooled random bytes takes a third of that or less (10,000 warm: 1.7–3.7 ms against 4.5–11 ms).
 */
function newEtag(): string {
  if (etagOffset === etagBytes.length) {
    randomFillSync(etagBytes);
    etagOffset = 0;
  }
  etagOffset += 16;
  return etagBytes.toString('hex', etagOffset - 16, etagOffset);
}

/** The stored version of an entity as authored (without the uid and etag the catalog added). */
function authoredOf(body: string): Entity {
  const entity = JSON.parse(body) as Entity;
  const { uid: _uid, etag: _etag, ...metadata } = entity.metadata;
  return { ...entity, metadata: metadata as Entity['metadata'] };
}

const ENVELOPE_START = /^\{"apiVersion":"[^"\\]*","kind":"[^"\\]*","metadata":\{/;

/**
 * The served JSON of an entity (relations are appended when read): the authored JSON with
 * `metadata.uid` and `metadata.etag` spliced in, without re-serialising when the layout allows.
 */
function servedBody(entity: Entity, json: string | undefined, uid: string, etag: string): string {
  const base = bodyOf(entity, json);
  const m = ENVELOPE_START.exec(base);
  if (m && !('uid' in entity.metadata) && !('etag' in entity.metadata)) {
    const at = m[0].length;
    return `${base.slice(0, at)}"uid":${JSON.stringify(uid)},"etag":${JSON.stringify(etag)}${base[at] === '}' ? '' : ','}${base.slice(at)}`;
  }
  const { relations: _relations, ...rest } = entity;
  return JSON.stringify({ ...rest, metadata: { ...entity.metadata, uid, etag } });
}

/** What is stored: the entity as authored, without relations (the catalog derives those). */
function bodyOf(entity: Entity, json?: string): string {
  if (json !== undefined && !('relations' in entity)) return json;
  const { relations: _relations, ...rest } = entity;
  return JSON.stringify(rest);
}

function errorKey(e: ErrorRecord): string {
  return `${e.type}|${e.entityRef}|${e.locationKey}|${e.message}`;
}

/**
 * Set-based processing of provider mutations: validates a whole batch, resolves relations in both
 * directions, skips unchanged input by hash, and writes entities, relations, the search index and
 * history in one transaction per chunk. One write holds the turn at a time (`WriteTurn`), and the writes of one
 * provider run in the order they came; a long mutation (not a first load) gives the turn to the writes waiting
 * between its transactions, so a registered location or a webhook's change does not wait for a whole
 * 20,000-entity location.
 */
export class IngestionService {
  private readonly turn = new WriteTurn();
  /** The last write queued per provider: the next one of that provider starts after it. */
  private readonly providerTails = new Map<string, Promise<void>>();
  /** Writes queued or running (`close` waits for them). */
  private readonly pending = new Set<Promise<void>>();
  /** Change-outbox rows of mutations still running: their own end publishes them (see publishUndelivered). */
  private readonly unfinishedOutbox = new Set<number>();
  private readonly store: CatalogStore;
  private readonly kinds: KindRegistry;
  private readonly orphanStrategy: OrphanStrategy;
  private readonly limits: EntityLimits;
  /** The limits for an entity `prepare` has already measured. */
  private readonly checkedLimits: EntityLimits & { shapeChecked: true };
  private readonly now: () => number;
  private readonly processors: readonly CatalogProcessor[];

  constructor(private readonly options: IngestionServiceOptions) {
    this.store = options.store;
    this.kinds = options.kinds;
    this.orphanStrategy = options.orphanStrategy ?? 'delete';
    this.limits = options.limits ?? { maxEntityBytes: DEFAULT_MAX_ENTITY_BYTES };
    this.checkedLimits = { ...this.limits, shapeChecked: true };
    this.now = options.now ?? Date.now;
    this.processors = options.processors ?? [];
  }

  /** Set by `close`: no new write is accepted. */
  private closed = false;

  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Lets the write in progress and those already queued finish, then refuses new ones. The plugin's
   * shutdown calls it before the host closes the database, so no write is cut off half-way (a
   * provider still reading gets a 503-style error for its late mutation and logs it).
   */
  async close(): Promise<void> {
    this.closed = true;
    while (this.pending.size) await Promise.all([...this.pending]);
  }

  /**
   * Runs `fn` with the write turn, after the earlier writes of the same provider (`provider`) have finished: a
   * provider's mutations build on what it owned before, so they never overlap. `withTurn: false`: the provider's
   * order only (a write that touches no entity).
   */
  private serial<T>(fn: () => Promise<T>, provider?: string, withTurn = true): Promise<T> {
    if (this.closed) return Promise.reject(new ServiceUnavailableError('The catalog is shutting down; the write was not applied'));
    const after = (provider !== undefined && this.providerTails.get(provider)) || Promise.resolve();
    const run = after.then(async () => {
      if (!withTurn) return fn();
      await this.turn.acquire();
      try {
        return await fn();
      } finally {
        this.turn.release();
      }
    });
    const done = run.then(() => undefined, () => undefined);
    this.pending.add(done);
    if (provider !== undefined) this.providerTails.set(provider, done);
    void done.then(() => {
      this.pending.delete(done);
      if (provider !== undefined && this.providerTails.get(provider) === done) this.providerTails.delete(provider);
    });
    return run;
  }

  applyMutation(provider: string, mutation: EntityProviderMutation): Promise<CatalogEntitiesChangedPayload> {
    return this.serial(() => this.apply(provider, mutation), provider);
  }

  /**
   * Records (or clears) read errors of some locations of a provider: in the provider's order, without the write
   * turn (it touches no entity), so a location registered during a long ingestion does not wait for the turn twice.
   */
  reportErrors(provider: string, locationKeys: string[], errors: EntityProviderError[]): Promise<void> {
    return this.serial(async () => {
      const at = this.now();
      const existing = await this.store.listErrors({ provider, locationKeys });
      const next: ErrorRecord[] = errors.map(e => ({
        provider, locationKey: e.locationKey, type: e.reason ?? 'read', entityRef: e.entityRef ?? null, message: e.message, inputHash: null, at,
      }));
      const old = existing.filter(e => READ_TYPES.includes(e.type));
      const same = old.length === next.length && old.every((e, i) => errorKey(e) === errorKey(next[i]));
      if (!same) await this.store.replaceErrors({ provider, types: READ_TYPES, locationKeys }, next);
    }, provider, false);
  }

  /**
   * Removes stored entities that carry a key no entity may have (`FORBIDDEN_ENTITY_KEYS`): they were
   * stored before such keys were refused. Their source gets a validation error when it emits them again.
   */
  async removeEntitiesWithForbiddenKeys(): Promise<string[]> {
    const removed: string[] = [];
    for (const row of await this.store.rowsWithBodyContaining([...FORBIDDEN_ENTITY_KEYS].map(k => `"${k}"`))) {
      if (findForbiddenKey(JSON.parse(row.body)) && (await this.removeEntityByUid(row.id, 'catalog: forbidden keys'))) removed.push(row.entityRef);
    }
    return removed;
  }

  /** Removes one entity (by uid); its provider may emit it again on the next refresh. */
  removeEntityByUid(uid: string, source: string): Promise<EntityRow | undefined> {
    return this.serial(async () => {
      const row = await this.store.getRowByUid(uid);
      if (!row) return undefined;
      const { restitched = [], outboxIds = [] } = await this.store.writeBatch({
        upserts: [],
        deletes: [{ id: row.id, entityRef: row.entityRef }],
        history: [{ entityRef: row.entityRef, action: 'deleted', source, diff: '[]', at: this.now() }],
      });
      const changes: CatalogEntitiesChangedPayload = { added: [], updated: [], removed: [row.entityRef] };
      changes.updated.push(...(await this.relationsChanged(restitched, changes)));
      await this.emit(changes, outboxIds);
      return row;
    });
  }

  /** Removes everything a provider owns and its errors (a deleted location). */
  removeProvider(provider: string): Promise<CatalogEntitiesChangedPayload> {
    return this.serial(async () => {
      const owned = await this.store.listProviderEntities(provider);
      const at = this.now();
      const { restitched = [], outboxIds = [] } = await this.store.writeBatch({
        upserts: [],
        deletes: owned.map(o => ({ id: o.id, entityRef: o.entityRef })),
        history: owned.map(o => ({ entityRef: o.entityRef, action: 'deleted', source: provider, diff: '[]', at })),
      });
      await this.store.deleteErrorsOfProvider(provider);
      const changes: CatalogEntitiesChangedPayload = { added: [], updated: [], removed: owned.map(o => o.entityRef) };
      changes.updated.push(...(await this.relationsChanged(restitched, changes)));
      await this.emit(changes, outboxIds);
      return changes;
    }, provider);
  }

  /**
   * The stored entities whose relations changed with a write although they were not written themselves
   * (the other end of a relation added or dropped): they changed as stored, so they are reported updated.
   */
  private async relationsChanged(restitched: string[], changes: CatalogEntitiesChangedPayload): Promise<string[]> {
    const reported = new Set([...changes.added, ...changes.updated, ...changes.removed]);
    const others = restitched.filter(ref => !reported.has(ref));
    if (!others.length) return [];
    const stored = await this.store.getOwnersByRefs(others);
    return others.filter(ref => stored.has(ref));
  }

  /**
   * Publishes committed changes, then marks their outbox rows delivered. A publish that fails (the events store is
   * unreachable) never undoes the committed write, and leaves the rows undelivered: publishUndelivered announces
   * them later (at the next start, or on the refresh schedule). Returns whether they were published.
   */
  private async emit(changes: CatalogEntitiesChangedPayload, outboxIds: readonly number[] = []): Promise<boolean> {
    if (changes.added.length || changes.updated.length || changes.removed.length) {
      try {
        await this.options.onChanges?.(changes);
      } catch (error) {
        this.options.onPublishFailed?.(error, outboxIds.length);
        return false;
      }
    }
    if (outboxIds.length) await this.store.markChangesDelivered(outboxIds);
    return true;
  }

  /**
   * Publishes the changes committed but never published (the process died between commit and publish,
   * here or on another instance), oldest first, and marks them delivered. Written entities are reported as
   * updated: which of them were new is not recorded. At start, once every subscriber is in, and on the
   * refresh schedule for rows older than `olderThanMs` (an instance that died while the others run); returns
   * how many entity refs were published. Another instance's write in flight may be published twice: at
   * least once, as every consumer of catalog changes already takes them.
   */
  publishUndelivered(options: { olderThanMs?: number } = {}): Promise<number> {
    return this.serial(async () => {
      const before = options.olderThanMs === undefined ? undefined : Date.now() - options.olderThanMs;
      let published = 0;
      for (;;) {
        let rows = await this.store.undeliveredChanges(50, before);
        // a mutation still running (it gave way to this) publishes its own rows at its end: stop before them
        const running = rows.findIndex(r => this.unfinishedOutbox.has(r.id));
        if (running >= 0) rows = rows.slice(0, running);
        if (!rows.length) return published;
        const removed = new Set(rows.flatMap(r => r.removed));
        const upserted = new Set(rows.flatMap(r => r.upserted).filter(ref => !removed.has(ref)));
        const changes: CatalogEntitiesChangedPayload = { added: [], updated: [...upserted], removed: [...removed] };
        // still unpublishable: stop here, the rows stay for the next attempt
        if (!(await this.emit(changes, rows.map(r => r.id)))) return published;
        published += upserted.size + removed.size;
        if (running >= 0) return published;
      }
    });
  }

  private async apply(provider: string, mutation: EntityProviderMutation): Promise<CatalogEntitiesChangedPayload> {
    const at = this.now();
    const isFull = mutation.type === 'full';
    const run: MutationRun = {
      provider,
      at,
      isFull,
      owned: new Map(),
      emitted: new Map(),
      errors: [],
      touchedRefs: [],
      changes: { added: [], updated: [], removed: [] },
      yieldCounter: 0,
    };
    // What this provider owns now (full), or the rows touched (delta).
    if (isFull) {
      for (const o of await this.store.listProviderEntities(provider)) run.owned.set(o.entityRef, o);
    }
    const session = this.store.openBatch();
    run.workingSince = performance.now();
    let writing: Promise<void> | undefined;
    let restitched: string[];
    try {
      if (mutation.type === 'full') {
        // A full mutation may arrive in chunks (an async iterable): each is validated and written on
        // its own, the next chunk validated while the previous one is written (PostgreSQL works on its
        // own core meanwhile). Refs repeated across chunks are caught by `run.emitted`, not the database.
        for await (const chunk of chunksOf(mutation.entities)) {
          const prepared = await this.prepare(run, chunk, session);
          if (writing) await writing;
          writing = this.writePrepared(run, session, prepared);
          writing.catch(() => undefined); // awaited below; a failure must not go unhandled meanwhile
        }
        await writing;
      } else {
        await this.writePrepared(run, session, await this.prepare(run, mutation.added, session));
      }
      await this.writePrepared(run, session, await this.removals(run, mutation));
    } finally {
      // a failing stream still lets the chunk in flight commit, then stitches what was written
      await writing?.catch(() => undefined);
      try {
        // a long write gives way between the parts of its stitching too (a short one has a part or two)
        restitched = (await session.finish({ between: run.long ? () => this.giveWay(run, session) : undefined })).restitched;
      } finally {
        for (const id of session.outboxIds) this.unfinishedOutbox.delete(id);
      }
    }
    await this.syncErrors(provider, isFull ? undefined : run.touchedRefs, run.errors);
    run.changes.updated.push(...(await this.relationsChanged(restitched, run.changes)));
    await this.emit(run.changes, session.outboxIds);
    return run.changes;
  }

  /**
   * Writes one prepared part; refs another instance inserted first are reported, not lost. Outside a first load
   * the turn is given to the writes waiting before each transaction but the mutation's first.
   */
  private async writePrepared(run: MutationRun, session: BatchSession, batch: BatchWrite & { added: string[]; updated: string[]; removed: string[] }) {
    const giveWay = () => this.giveWay(run, session);
    if (run.written && !session.firstLoad && batch.upserts.length + batch.deletes.length + batch.history.length > 0) await giveWay();
    const { skipped } = await session.write(batch, { between: giveWay, newSource: run.isFull && run.owned.size === 0 });
    run.written = true;
    const lost = new Set(skipped);
    run.changes.added.push(...(lost.size ? batch.added.filter(r => !lost.has(r)) : batch.added));
    run.changes.updated.push(...(lost.size ? batch.updated.filter(r => !lost.has(r)) : batch.updated));
    run.changes.removed.push(...batch.removed);
    if (!lost.size) return;
    const owners = await this.store.getOwnersByRefs([...lost]);
    for (const ref of lost) {
      const owner = owners.get(ref);
      if (!owner || owner.provider === run.provider) continue; // the same source, written by another instance
      run.errors.push({
        provider: run.provider, locationKey: null, type: 'conflict', entityRef: ref, inputHash: null, at: run.at,
        message: `${ref} is already provided by ${owner.provider}${owner.locationKey ? ` (${owner.locationKey})` : ''}; ignored the copy from ${run.provider}`,
      });
    }
  }

  /**
   * Lets the writes waiting for the turn go first (see WriteTurn), between two transactions of a mutation; with none
   * waiting, pauses as long as the mutation worked since it last gave way (at most LONG_WRITE_MAX_PAUSE_MS): a long
   * write is background work, and requests on the same thread get at least half of it meanwhile.
   */
  private async giveWay(run: MutationRun, session: BatchSession): Promise<void> {
    run.long = true;
    // the rows committed so far are this mutation's to publish, even if another write's publishUndelivered runs now
    for (const id of session.outboxIds) this.unfinishedOutbox.add(id);
    const worked = run.workingSince === undefined ? 0 : performance.now() - run.workingSince;
    await this.turn.giveWay(Math.min(worked, LONG_WRITE_MAX_PAUSE_MS));
    run.workingSince = performance.now();
  }

  /**
   * The entity as the processors leave it; undefined (and an error on the entity, whose last good version stays) when
   * one throws or makes it too large.
   */
  private async preProcess(run: MutationRun, deferred: DeferredEntity): Promise<DeferredEntity | undefined> {
    let entity = deferred.entity;
    const context = { provider: run.provider, ...(deferred.locationKey ? { locationKey: deferred.locationKey } : {}) };
    let problem: string | undefined;
    for (const processor of this.processors) {
      try {
        entity = await processor.preProcessEntity(entity, context);
      } catch (error) {
        problem = `processor ${processor.getProcessorName()}: ${(error as Error).message}`;
        break;
      }
    }
    if (!problem && entity !== deferred.entity) problem = findShapeProblem(entity, this.limits);
    if (!problem) return entity === deferred.entity ? deferred : { ...deferred, entity };
    const guessed = guessEntityRef(deferred.entity);
    if (guessed && !run.emitted.has(guessed)) run.emitted.set(guessed, deferred.locationKey ?? null);
    run.errors.push({ provider: run.provider, locationKey: deferred.locationKey ?? null, type: 'validation', entityRef: guessed ?? null, message: problem, inputHash: null, at: run.at });
    if (guessed) run.touchedRefs.push(guessed);
    return undefined;
  }

  /** Validates and derives a set of incoming entities; returns what to write. */
  private async prepare(run: MutationRun, incoming: DeferredEntity[], session: BatchSession) {
    const { provider, at, isFull, owned, emitted, errors, touchedRefs } = run;
    const candidates: Array<{ processed: ProcessedEntity; hash: string; locationKey: string | null; json?: string }> = [];
    const unchecked: Array<{ deferred: DeferredEntity; hash: string; ref?: string; json: string }> = [];

    for (let deferred of incoming) {
      if (++run.yieldCounter % 1000 === 0) await yieldToEventLoop();
      // before serialising: a provider's entity may be far larger than it looks (shared objects)
      const shape = findShapeProblem(deferred.entity, this.limits);
      if (shape) {
        const guessed = guessEntityRef(deferred.entity);
        if (guessed && !emitted.has(guessed)) emitted.set(guessed, deferred.locationKey ?? null);
        errors.push({ provider, locationKey: deferred.locationKey ?? null, type: 'validation', entityRef: guessed ?? null, message: shape, inputHash: null, at });
        if (guessed) touchedRefs.push(guessed);
        continue;
      }
      if (this.processors.length) {
        const processed = await this.preProcess(run, deferred);
        if (!processed) continue;
        deferred = processed;
      }
      const json = JSON.stringify(deferred.entity);
      const hash = hashInput(json, deferred.locationKey);
      const ref = guessEntityRef(deferred.entity);
      if (ref && isFull) {
        const mine = owned.get(ref);
        if (mine && mine.hash === hash && !emitted.has(ref)) {
          emitted.set(ref, mine.locationKey); // unchanged input: no validation, no writes
          continue;
        }
      }
      unchecked.push({ deferred, hash, ref, json });
    }

    for (const { deferred, hash, ref, json } of unchecked) {
      if (++run.yieldCounter % 250 === 0) await yieldToEventLoop();
      const locationKey = deferred.locationKey ?? null;
      const result = processEntity(deferred.entity, this.kinds, this.checkedLimits);
      if (!result.ok) {
        if (result.entityRef && !emitted.has(result.entityRef)) emitted.set(result.entityRef, locationKey);
        for (const message of result.errors) {
          errors.push({ provider, locationKey, type: 'validation', entityRef: result.entityRef ?? ref ?? null, message, inputHash: hash, at });
        }
        if (result.entityRef) touchedRefs.push(result.entityRef);
        continue;
      }
      const r = result.value.entityRef;
      touchedRefs.push(r);
      if (emitted.has(r)) {
        errors.push({
          provider, locationKey, type: 'conflict', entityRef: r, inputHash: hash, at,
          message: `${r} is emitted twice; kept the first copy (${emitted.get(r) ?? provider}), ignored the one from ${locationKey ?? provider}`,
        });
        continue;
      }
      emitted.set(r, locationKey);
      // the stored JSON is the input's own when processing did not have to fill anything in
      candidates.push({ processed: result.value, hash, locationKey, json: result.value.entity === deferred.entity ? json : undefined });
    }

    // Refs owned by another provider keep their first source; ours are updated. (In a first load
    // every row is this mutation's own, and refs it repeats are caught by `run.emitted`.)
    const owners = session.firstLoad ? new Map() : await this.store.getOwnersByRefs(candidates.map(c => c.processed.entityRef));
    const upserts: EntityWrite[] = [];
    const history: HistoryWrite[] = [];
    const added: string[] = [];
    const updated: string[] = [];
    const previousRows = new Map<string, EntityRow>();
    const toUpdate = candidates.filter(c => owners.get(c.processed.entityRef)?.provider === provider).map(c => c.processed.entityRef);
    for (const row of await this.store.getRowsByRefs(toUpdate)) previousRows.set(row.entityRef, row);

    for (const c of candidates) {
      const ref = c.processed.entityRef;
      const owner = owners.get(ref);
      if (owner && owner.provider !== provider) {
        errors.push({
          provider, locationKey: c.locationKey, type: 'conflict', entityRef: ref, inputHash: c.hash, at,
          message: `${ref} is already provided by ${owner.provider}${owner.locationKey ? ` (${owner.locationKey})` : ''}; ignored the copy from ${c.locationKey ?? provider}`,
        });
        continue;
      }
      const previous = previousRows.get(ref);
      if (previous && previous.hash === c.hash) continue; // same input (delta re-add)
      const id = previous?.id ?? randomUUID();
      const etag = newEtag();
      const entity = c.processed.entity;
      const body = servedBody(entity, c.json, id, etag);
      upserts.push({
        row: {
          id, entityRef: ref, kind: c.processed.kind, provider, locationKey: c.locationKey, hash: c.hash, etag, body,
          createdAt: previous?.createdAt ?? at, updatedAt: at,
        },
        namespace: c.processed.namespace,
        name: c.processed.name,
        relations: c.processed.relations,
        search: c.processed.search,
        document: c.processed.document,
      });
      const source = c.locationKey ? `${provider} ${c.locationKey}` : provider;
      if (previous) {
        const diff = diffEntities(authoredOf(previous.body), authoredOf(body));
        history.push({ entityRef: ref, action: 'updated', source, diff: JSON.stringify(diff), at });
        updated.push(ref);
      } else {
        history.push({ entityRef: ref, action: 'created', source, diff: '[]', at });
        added.push(ref);
      }
    }
    return { upserts, deletes: [] as Array<{ id: string; entityRef: string }>, history, added, updated, removed: [] as string[] };
  }

  /** Orphans: what a full mutation no longer emits, or what a delta removes. */
  private async removals(run: MutationRun, mutation: EntityProviderMutation) {
    const { provider, at, owned, emitted } = run;
    const upserts: EntityWrite[] = [];
    const deletes: Array<{ id: string; entityRef: string }> = [];
    const history: HistoryWrite[] = [];
    const updated: string[] = [];
    const removed: string[] = [];
    let orphanRefs: string[];
    if (mutation.type === 'full') {
      orphanRefs = [...owned.keys()].filter(ref => !emitted.has(ref) && owned.get(ref)!.hash !== ORPHAN_HASH);
    } else {
      const refs = mutation.removed.map(r => ('entityRef' in r ? r.entityRef : stringifyEntityRef((r as DeferredEntity).entity)).toLowerCase());
      const removedOwners = await this.store.getOwnersByRefs(refs);
      orphanRefs = refs.filter(ref => removedOwners.get(ref)?.provider === provider && removedOwners.get(ref)?.hash !== ORPHAN_HASH);
      for (const ref of orphanRefs) owned.set(ref, removedOwners.get(ref)!);
      run.touchedRefs.push(...refs);
    }
    if (orphanRefs.length && this.orphanStrategy === 'keep') {
      for (const row of await this.store.getRowsByRefs(orphanRefs)) {
        const authored = authoredOf(row.body);
        const annotated: Entity = {
          ...authored,
          metadata: { ...authored.metadata, annotations: { ...authored.metadata.annotations, [ANNOTATION_ORPHAN]: 'true' } },
        };
        const result = processEntity(annotated, this.kinds, this.limits);
        if (!result.ok) continue;
        const etag = newEtag();
        upserts.push({
          row: { ...row, hash: ORPHAN_HASH, etag, updatedAt: at, body: servedBody(result.value.entity, undefined, row.id, etag) },
          namespace: result.value.namespace,
          name: result.value.name,
          relations: result.value.relations,
          search: result.value.search,
          document: result.value.document,
        });
        history.push({ entityRef: row.entityRef, action: 'updated', source: provider, diff: JSON.stringify(diffEntities(authored, annotated)), at });
        updated.push(row.entityRef);
      }
    } else {
      for (const ref of orphanRefs) {
        deletes.push({ id: owned.get(ref)!.id, entityRef: ref });
        history.push({ entityRef: ref, action: 'deleted', source: provider, diff: '[]', at });
        removed.push(ref);
      }
    }
    return { upserts, deletes, history, added: [] as string[], updated, removed };
  }

  private async syncErrors(provider: string, entityRefs: string[] | undefined, errors: ErrorRecord[]) {
    const existing = (await this.store.listErrors({ provider })).filter(
      e => (e.type === 'validation' || e.type === 'conflict') && (!entityRefs || (e.entityRef !== null && entityRefs.includes(e.entityRef))),
    );
    const a = existing.map(errorKey).sort();
    const b = errors.map(errorKey).sort();
    if (a.length === b.length && a.every((k, i) => k === b[i])) return;
    await this.store.replaceErrors({ provider, types: ['validation', 'conflict'], entityRefs }, errors);
  }
}
