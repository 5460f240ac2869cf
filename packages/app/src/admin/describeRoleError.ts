import { ResponseError } from '@portico/errors';

/** The fields of the role form a server error can point at. */
export type RoleField = 'name' | 'description' | 'members' | 'permissions' | 'conditions';

/** A failed save or delete, said for people: a summary, and the message of each field the server named. */
export interface RoleErrorDescription {
  summary: string;
  fields: Partial<Record<RoleField, string>>;
}

const FIELDS: readonly RoleField[] = ['name', 'description', 'members', 'permissions', 'conditions'];

/** `body.members.1` → `members` (and the item's position, for the message). */
function fieldOf(path: string): { field?: RoleField; index?: number } {
  const [part, key, index] = path.split('.');
  if ((part === 'body' || part === 'params') && FIELDS.includes(key as RoleField)) {
    return { field: key as RoleField, index: index !== undefined && /^\d+$/.test(index) ? Number(index) : undefined };
  }
  return {};
}

/**
 * Turns an error of `PUT`/`DELETE /api/permission/roles/:name` into what the form shows: a 400's issues next to
 * the fields they name (`body.members.0` under Members), a 409's reason (a default or app-config role) as is.
 */
export function describeRoleError(error: unknown): RoleErrorDescription {
  if (!(error instanceof ResponseError)) {
    return { summary: error instanceof Error ? error.message : String(error), fields: {} };
  }
  const message = error.body?.message ?? error.message;
  const status = error.response.status;
  if (status === 400) {
    const issues = (error.body?.details as { issues?: Array<{ path?: unknown; message?: unknown }> } | undefined)?.issues ?? [];
    const fields: RoleErrorDescription['fields'] = {};
    for (const issue of issues) {
      if (typeof issue.path !== 'string' || typeof issue.message !== 'string') continue;
      const { field, index } = fieldOf(issue.path);
      if (!field) continue;
      const text = index === undefined ? issue.message : `item ${index + 1}: ${issue.message}`;
      fields[field] = fields[field] ? `${fields[field]}; ${text}` : text;
    }
    return { summary: `The server refused the role: ${message}`, fields };
  }
  if (status === 403) return { summary: `You may not manage roles: ${message}`, fields: {} };
  if (status === 409) return { summary: message, fields: {} };
  return { summary: `${status}: ${message}`, fields: {} };
}
