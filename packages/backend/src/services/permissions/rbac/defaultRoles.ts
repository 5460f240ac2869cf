import type { RbacRole } from '@portico/permission-common';

/**
 * The roles every portal has unless `permission.rbac.defaultRoles: false` (documented in docs/permissions.md).
 * Owner conditions only take effect once the owning plugin registers the rule (the catalog's IS_ENTITY_OWNER,
 * the scaffolder's IS_TASK_OWNER).
 */
export const DEFAULT_ROLES: RbacRole[] = [
  {
    name: 'everyone',
    description: 'Every signed-in user reads the catalog and the scorecards, runs templates, answers the approvals assigned to them and requests exemptions',
    members: ['user:*'],
    permissions: [
      'catalog.entity.read',
      'catalog.location.read',
      'scaffolder.template.read',
      'scaffolder.template.run',
      // answering an approval step: the step's assignees (a user or group) still decide who may
      'scaffolder.approval.decide',
      'scorecards.*.read',
      'scorecards.exemption.request',
    ],
  },
  {
    name: 'entity-owners',
    description: "Owners (the user or one of their groups) manage their own entities",
    members: ['user:*'],
    permissions: ['catalog.entity.*'],
    conditions: { rule: 'IS_ENTITY_OWNER' },
  },
  {
    name: 'task-owners',
    description: 'Users read, cancel and retry the scaffolder tasks they started',
    members: ['user:*'],
    permissions: ['scaffolder.task.*'],
    conditions: { rule: 'IS_TASK_OWNER' },
  },
];
