import type { Knex } from 'knex';
import type { DatabaseMigration } from '@portico/backend-plugin-api';
import type { RbacRole } from '@portico/permission-common';

export const roleMigrations: DatabaseMigration[] = [
  {
    name: '20261206_001_rbac_roles',
    async up(knex) {
      await knex.schema.createTable('rbac_roles', table => {
        table.string('name', 64).primary();
        table.text('description');
        table.text('members').notNullable();
        table.text('permissions').notNullable();
        table.text('conditions');
        table.string('updated_at', 32).notNullable();
        table.string('updated_by', 255);
      });
    },
  },
];

/** A role stored in the database, with who changed it last. */
export interface StoredRole extends RbacRole {
  updatedAt: string;
  updatedBy?: string;
}

interface RoleRow {
  name: string;
  description: string | null;
  members: string;
  permissions: string;
  conditions: string | null;
  updated_at: string;
  updated_by: string | null;
}

function fromRow(row: RoleRow): StoredRole {
  return {
    name: row.name,
    ...(row.description ? { description: row.description } : {}),
    members: JSON.parse(row.members),
    permissions: JSON.parse(row.permissions),
    ...(row.conditions ? { conditions: JSON.parse(row.conditions) } : {}),
    updatedAt: row.updated_at,
    ...(row.updated_by ? { updatedBy: row.updated_by } : {}),
  };
}

/** The RBAC roles edited at `/api/permission/roles`, in the permission plugin's database. */
export class RoleStore {
  constructor(private readonly knex: Knex) {}

  async list(): Promise<StoredRole[]> {
    const rows = await this.knex<RoleRow>('rbac_roles').select('*').orderBy('name');
    return rows.map(fromRow);
  }

  async get(name: string): Promise<StoredRole | undefined> {
    const row = await this.knex<RoleRow>('rbac_roles').where({ name }).first();
    return row ? fromRow(row) : undefined;
  }

  /** Creates or replaces a role; answers whether it was created. */
  async put(role: RbacRole, updatedBy: string | undefined, now = new Date()): Promise<{ created: boolean; role: StoredRole }> {
    const row: RoleRow = {
      name: role.name,
      description: role.description ?? null,
      members: JSON.stringify(role.members),
      permissions: JSON.stringify(role.permissions),
      conditions: role.conditions ? JSON.stringify(role.conditions) : null,
      updated_at: now.toISOString(),
      updated_by: updatedBy ?? null,
    };
    const existing = await this.knex<RoleRow>('rbac_roles').where({ name: role.name }).first('name');
    // An upsert, so two instances saving the same new role at once do not collide on the key.
    await this.knex('rbac_roles').insert(row).onConflict('name').merge();
    return { created: !existing, role: fromRow(row) };
  }

  /** Deletes a role; answers whether it existed. */
  async delete(name: string): Promise<boolean> {
    return (await this.knex('rbac_roles').where({ name }).delete()) > 0;
  }
}
