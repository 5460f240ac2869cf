import { createPermission } from '@portico/permission-common';

// The scaffolder's permissions. Task permissions are about one run (`scaffolder-task`, its id the
// resource ref); policies may answer them with the IS_TASK_OWNER condition (the run's creator is one of
// the caller's ownership refs), which the task list applies in its query.

/** The resource type of scaffolder runs; a resource ref is a task id. */
export const SCAFFOLDER_TASK_RESOURCE_TYPE = 'scaffolder-task';

/** Start a run of a template (`POST /v2/tasks`) or a dry run. */
export const scaffolderTemplateRunPermission = createPermission({ name: 'scaffolder.template.run', attributes: { action: 'use' } });

/** See a run: its parameters, steps, output and events. */
export const scaffolderTaskReadPermission = createPermission({
  name: 'scaffolder.task.read',
  attributes: { action: 'read' },
  resourceType: SCAFFOLDER_TASK_RESOURCE_TYPE,
});

/** Cancel a run that has not ended. */
export const scaffolderTaskCancelPermission = createPermission({
  name: 'scaffolder.task.cancel',
  attributes: { action: 'update' },
  resourceType: SCAFFOLDER_TASK_RESOURCE_TYPE,
});

/** Run a failed or cancelled run again. */
export const scaffolderTaskRetryPermission = createPermission({
  name: 'scaffolder.task.retry',
  attributes: { action: 'update' },
  resourceType: SCAFFOLDER_TASK_RESOURCE_TYPE,
});

/**
 * Approve or reject an approval step. The step's assignees (a user or a group the caller belongs to)
 * still decide who may answer it, and the creator of the run never approves their own.
 */
export const scaffolderApprovalDecidePermission = createPermission({
  name: 'scaffolder.approval.decide',
  attributes: { action: 'update' },
});

/** Every permission of the scaffolder. */
export const scaffolderPermissions = [
  scaffolderTemplateRunPermission,
  scaffolderTaskReadPermission,
  scaffolderTaskCancelPermission,
  scaffolderTaskRetryPermission,
  scaffolderApprovalDecidePermission,
];
