import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import {
  auditPlugin,
  DatabaseManager,
  IDENTITY_DATABASE_NAME,
  identityMigrations,
  loadConfig,
  MIGRATIONS_TABLE,
  permissionPlugin,
} from '@portico/backend';
import type { BackendFeature, ConfigService, DatabaseMigration } from '@portico/backend-plugin-api';
import { ConfigError } from '@portico/errors';
import { loadFeaturesFromConfig } from '../start/loadFeatures';
import { loadPluginMigrations } from './dbCopyMigrations';
import {
  clearTables,
  copyTable,
  countRows,
  describeTables,
  mapColumns,
  orderByForeignKeys,
  resetSequences,
  type PluginDb,
} from './dbCopyTables';

export interface CopyPortalDatabasesOptions {
  /** The config file(s) of the portal copied from (`--from`, repeatable: later files win key by key, as with `portico start`). */
  from: string | string[];
  /** The config file(s) of the portal copied to (`--to`, repeatable). */
  to: string | string[];
  /** Replace what the target's tables hold instead of refusing a target with data. */
  force?: boolean;
  /** Where config paths, `backend.dataDir` and `backend.plugins` resolve, as for `portico start`. Default process.cwd(). */
  cwd?: string;
  /** Rows read and written at a time. Default 1000. */
  batchSize?: number;
  /** Progress lines. Default: stdout. */
  print?: (line: string) => void;
}

export interface CopiedPlugin {
  pluginId: string;
  tables: Array<{ table: string; rows: number }>;
}

export interface CopyPortalDatabasesReport {
  copied: CopiedPlugin[];
  /** Databases not copied, with why (e.g. the source has none for the plugin). */
  skipped: Array<{ pluginId: string; reason: string }>;
}

/** The host's own databases besides the plugins': personal access tokens and signing keys. The scheduler's lease rows are not data. */
const HOST_DATABASES: Array<{ id: string; migrations: DatabaseMigration[] }> = [{ id: IDENTITY_DATABASE_NAME, migrations: identityMigrations }];

interface Side {
  flag: '--from' | '--to';
  file: string;
  config: ConfigService;
  manager: DatabaseManager;
  /** The PostgreSQL connection, or undefined on SQLite. */
  connection?: unknown;
}

async function openSide(flag: Side['flag'], files: string | string[], cwd: string): Promise<Side> {
  const list = [files].flat();
  if (list.length === 0) throw new ConfigError(`${flag}: name the portal's config file`);
  const file = list.join(' + ');
  for (const f of list) {
    const resolved = path.resolve(cwd, f);
    if (!existsSync(resolved)) throw new ConfigError(`${flag} ${f}: no such config file (${resolved})`);
  }
  let config: ConfigService;
  let manager: DatabaseManager;
  try {
    config = await loadConfig({ configPaths: list.map(f => path.resolve(cwd, f)), cwd });
    manager = DatabaseManager.fromConfig(config, { cwd });
  } catch (error) {
    throw new ConfigError(`${flag} ${file}: ${(error as Error).message}`);
  }
  return { flag, file, config, manager, connection: manager.engine === 'pg' ? config.getOptional('backend.database.connection') : undefined };
}

/** Where a plugin's database of this side lives, for messages. */
function where(side: Side, id: string, cwd: string): string {
  if (side.manager.engine === 'pg') return `schema ${side.manager.schemaName(id)}`;
  const file = side.manager.sqliteFilename(id);
  const relative = path.relative(cwd, file);
  return relative && !relative.startsWith('..') ? relative : file;
}

/** The PostgreSQL schemas of `names` that exist, read through a connection of its own (opening a plugin's client creates its schema). */
async function existingSchemas(side: Side, names: string[]): Promise<Set<string>> {
  const knexFactory = require('knex') as typeof import('knex');
  const knex = knexFactory({ client: 'pg', connection: side.connection as Knex.StaticConnectionConfig, pool: { min: 0, max: 1 } });
  try {
    const { rows } = (await knex.raw('SELECT schema_name FROM information_schema.schemata WHERE schema_name = ANY(?)', [names])) as {
      rows: Array<{ schema_name: string }>;
    };
    return new Set(rows.map(r => r.schema_name));
  } finally {
    await knex.destroy();
  }
}

/** The ids whose database exists on this side (a SQLite file, a PostgreSQL schema); nothing is created. */
async function existingDatabases(side: Side, ids: string[]): Promise<Set<string>> {
  if (side.manager.engine === 'sqlite') return new Set(ids.filter(id => existsSync(side.manager.sqliteFilename(id))));
  const schemas = await existingSchemas(side, ids.map(id => side.manager.schemaName(id)));
  return new Set(ids.filter(id => schemas.has(side.manager.schemaName(id))));
}

function sameDatabase(source: Side, target: Side, ids: string[]): boolean {
  if (source.manager.engine !== target.manager.engine) return false;
  if (source.manager.engine === 'sqlite') return ids.some(id => source.manager.sqliteFilename(id) === target.manager.sqliteFilename(id));
  return JSON.stringify(source.connection) === JSON.stringify(target.connection) && ids.some(id => source.manager.schemaName(id) === target.manager.schemaName(id));
}

function describeSide(side: Side): string {
  if (side.manager.engine === 'sqlite') return `SQLite (${side.file})`;
  return `PostgreSQL (${side.file})`;
}

/**
 * `portico db copy`: copies every plugin's database (the plugins of the source config's `backend.plugins`, the
 * built-in audit and permission plugins, the host's identity database) from one portal's database to another's,
 * e.g. from the embedded SQLite files to PostgreSQL. Each plugin's database is opened as the host opens it, the
 * target's tables are made by the plugin's own migrations, then each table is copied in batches, parents before
 * children, in one transaction per plugin; PostgreSQL sequences are moved past the copied keys.
 */
export async function copyPortalDatabases(options: CopyPortalDatabasesOptions): Promise<CopyPortalDatabasesReport> {
  const cwd = options.cwd ?? process.cwd();
  const print = options.print ?? ((line: string) => void process.stdout.write(`${line}\n`));
  const batchSize = options.batchSize ?? 1000;
  const source = await openSide('--from', options.from, cwd);
  const target = await openSide('--to', options.to, cwd);
  if (source.manager.engine === 'sqlite' && source.manager.sqliteFilename('x') === ':memory:') {
    throw new ConfigError(`--from ${source.file}: backend.database.connection is ':memory:', which keeps nothing to copy`);
  }
  if (target.manager.engine === 'sqlite' && target.manager.sqliteFilename('x') === ':memory:') {
    throw new ConfigError(`--to ${target.file}: backend.database.connection is ':memory:', which would keep nothing`);
  }

  let features: BackendFeature[];
  try {
    features = await loadFeaturesFromConfig(source.config, cwd);
  } catch (error) {
    throw new ConfigError(`--from ${source.file}: ${(error as Error).message}`);
  }
  const listedIds = pluginIds(features);
  const loaded = await loadPluginMigrations([...features, permissionPlugin, auditPlugin], { config: source.config, engine: target.manager.engine });
  const databases: Array<{ id: string; migrations: DatabaseMigration[] }> = [
    ...[...loaded.migrations].map(([id, migrations]) => ({ id, migrations })),
    ...HOST_DATABASES,
  ];
  const ids = databases.map(d => d.id);
  if (sameDatabase(source, target, ids)) throw new ConfigError(`--from ${source.file} and --to ${target.file} name the same database`);

  const report: CopyPortalDatabasesReport = { copied: [], skipped: [] };
  try {
    // The source: what exists, checked before anything is opened (opening creates a missing file or schema).
    if (source.manager.engine === 'pg') await checkDatabase(source);
    const inSource = await existingDatabases(source, [...ids, ...loaded.failed.map(f => f.pluginId)]);
    if (inSource.size === 0) {
      const places = source.manager.engine === 'pg' ? 'no schema' : `no file in ${path.dirname(source.manager.sqliteFilename('x'))}`;
      throw new ConfigError(
        `--from ${source.file}: no Portico database to copy (${places} for ${ids.join(', ')}); check backend.database and backend.dataDir (relative paths resolve from ${cwd})`,
      );
    }
    const unloadable = loaded.failed.filter(f => inSource.has(f.pluginId));
    if (unloadable.length) {
      throw new Error(unloadable.map(f => `cannot load the migrations of plugin '${f.pluginId}' without starting it: ${f.reason}`).join('; '));
    }
    if (source.manager.engine === 'sqlite') await checkDatabase(source); // no other instance writes the files meanwhile
    await checkDatabase(target);
    // The source's tables must be those this version's migrations make: a copy from an older portal would skip
    // what its later migrations do to the data.
    const stale: string[] = [];
    for (const { id, migrations } of databases.filter(d => inSource.has(d.id))) {
      const applied = await appliedMigrations(await open(source, id));
      const names = new Set(migrations.map(m => m.name));
      const notRun = [...names].filter(n => !applied.has(n));
      const unknown = [...applied].filter(n => !names.has(n));
      if (notRun.length) stale.push(`${id} has not run ${notRun.join(', ')}`);
      if (unknown.length) stale.push(`${id} has run ${unknown.join(', ')}, which this version does not know`);
    }
    if (stale.length) {
      throw new Error(
        `--from ${source.file}: the source's databases are not at this version's migrations (${stale.join('; ')}). ` +
          `Start the source portal once with this version (it migrates at start), stop it, then copy`,
      );
    }

    // The target: empty, or --force.
    const inTarget = await existingDatabases(target, ids);
    const occupied: string[] = [];
    for (const id of ids.filter(i => inTarget.has(i))) {
      const db = await open(target, id);
      for (const table of (await describeTables(db)).values()) {
        const rows = await countRows(db.knex, table.name);
        if (rows > 0) occupied.push(`${id}.${table.name} (${rows} row${rows === 1 ? '' : 's'})`);
      }
    }
    if (occupied.length && !options.force) {
      throw new Error(
        `--to ${target.file}: the target already holds data in ${occupied.join(', ')}. Copy into an empty database, ` +
          `or pass --force to replace what these tables hold with the source's rows`,
      );
    }

    print(`Copying ${describeSide(source)} to ${describeSide(target)}${occupied.length ? ', replacing the rows the target held (--force)' : ''}`);
    for (const { id, migrations } of databases) {
      if (!inSource.has(id)) {
        report.skipped.push({ pluginId: id, reason: `no database at ${where(source, id, cwd)}` });
        print(`${id}: nothing to copy (no database at ${where(source, id, cwd)})`);
        continue;
      }
      print(`${id}: ${where(source, id, cwd)} -> ${where(target, id, cwd)}`);
      await target.manager.forPlugin(id).migrate(migrations);
      report.copied.push(await copyPlugin(source, target, id, { batchSize, print }));
    }
    for (const id of loaded.withoutDatabase) report.skipped.push({ pluginId: id, reason: 'it keeps no database' });
    const rows = report.copied.reduce((n, p) => n + p.tables.reduce((m, t) => m + t.rows, 0), 0);
    const tables = report.copied.reduce((n, p) => n + p.tables.length, 0);
    print(`Copied ${rows} row${rows === 1 ? '' : 's'} in ${tables} table${tables === 1 ? '' : 's'} of ${report.copied.length} database${report.copied.length === 1 ? '' : 's'}`);
    const targetIds = await pluginIdsOf(target.config, cwd);
    const unused = report.copied.map(p => p.pluginId).filter(id => listedIds.has(id) && targetIds && !targetIds.has(id));
    if (unused.length) {
      print(`note: ${target.file} does not list the package of ${unused.join(', ')} in backend.plugins: the target portal will not read that data`);
    }
    return report;
  } finally {
    await source.manager.shutdown();
    await target.manager.shutdown();
  }
}

/** The plugin ids of a config's backend.plugins, or undefined when it has none or they do not load (the target portal's start says why). */
async function pluginIdsOf(config: ConfigService, cwd: string): Promise<Set<string> | undefined> {
  if (config.getOptional('backend.plugins') === undefined) return undefined;
  try {
    return pluginIds(await loadFeaturesFromConfig(config, cwd));
  } catch {
    return undefined;
  }
}

function pluginIds(features: BackendFeature[]): Set<string> {
  return new Set(features.flatMap(f => ('featureType' in f && f.featureType === 'plugin' ? [f.pluginId] : [])));
}

async function checkDatabase(side: Side): Promise<void> {
  try {
    await side.manager.checkDatabase();
  } catch (error) {
    throw new ConfigError(`${side.flag} ${side.file}: ${(error as Error).message}`);
  }
}

/** The names of the migrations a database has run (none when it has no migrations table). */
async function appliedMigrations(db: PluginDb): Promise<Set<string>> {
  const exists = db.schema ? await db.knex.schema.withSchema(db.schema).hasTable(MIGRATIONS_TABLE) : await db.knex.schema.hasTable(MIGRATIONS_TABLE);
  if (!exists) return new Set();
  const rows = (await db.knex(MIGRATIONS_TABLE).select('name')) as Array<{ name: string }>;
  return new Set(rows.map(r => r.name));
}

async function open(side: Side, id: string): Promise<PluginDb> {
  const knex = await side.manager.getClient(id);
  return { knex, engine: side.manager.engine, schema: side.manager.engine === 'pg' ? side.manager.schemaName(id) : undefined };
}

async function copyPlugin(
  source: Side,
  target: Side,
  id: string,
  options: { batchSize: number; print: (line: string) => void },
): Promise<CopiedPlugin> {
  const from = await open(source, id);
  const to = await open(target, id);
  const sourceTables = await describeTables(from);
  const targetTables = await describeTables(to);
  const missing = [...sourceTables.keys()].filter(name => !targetTables.has(name));
  if (missing.length) {
    throw new Error(
      `${id}: the source has table${missing.length === 1 ? '' : 's'} ${missing.join(', ')}, which the plugin's migrations do not create on the target ` +
        `(is the source portal of another version than this portico?)`,
    );
  }
  const plans = [...sourceTables.values()].map(table => {
    const targetTable = targetTables.get(table.name)!;
    const { pairs, unmatched } = mapColumns(table, targetTable);
    if (unmatched.length) {
      throw new Error(`${id}: column${unmatched.length === 1 ? '' : 's'} ${unmatched.map(c => `${table.name}.${c}`).join(', ')} of the source ha${unmatched.length === 1 ? 's' : 've'} no place on the target`);
    }
    return { table, targetTable, pairs };
  });
  const { order, cycle } = orderByForeignKeys([...targetTables.values()]);
  if (cycle.length && to.engine === 'pg') {
    throw new Error(`${id}: tables ${cycle.join(', ')} refer to each other through foreign keys; they cannot be copied in an order PostgreSQL accepts`);
  }
  const copied: CopiedPlugin = { pluginId: id, tables: [] };
  await to.knex.transaction(async trx => {
    // SQLite checks foreign keys at the commit, so a table referring to itself copies in any row order
    if (to.engine === 'sqlite') await trx.raw('PRAGMA defer_foreign_keys = ON');
    await clearTables(trx, to.engine, order);
    for (const targetTable of order) {
      const plan = plans.find(p => p.table.name === targetTable.name);
      if (!plan) continue; // a table the source's version does not have: left empty
      const rows = await copyTable({ source: from, target: to, trx, sourceTable: plan.table, targetTable, pairs: plan.pairs, batchSize: options.batchSize });
      if (to.engine === 'pg') await resetSequences(trx, to.schema!, targetTable.name);
      copied.tables.push({ table: targetTable.name, rows });
      options.print(`  ${targetTable.name}: ${rows} row${rows === 1 ? '' : 's'}`);
    }
  });
  // fresh statistics, so the first queries on the target plan as they will later
  if (to.engine === 'pg') for (const t of copied.tables) await to.knex.raw('ANALYZE ??', [t.table]);
  return copied;
}
