import { z } from 'zod';
import { createConditionFactory, createConditionTransformer, createPermissionRule } from '@portico/backend-plugin-api';
import { SCAFFOLDER_TASK_RESOURCE_TYPE } from '@portico/plugin-scaffolder-common';
import type { TaskPermissionQuery } from '../database/TaskStore';

/** What the task rules look at: the run's creator. */
export interface TaskResource {
  id: string;
  createdBy?: string;
}


const claimsParams = z.object({ claims: z.array(z.string()).max(1000) });

/** The run was started by one of `claims`: the caller's ownership refs. */
export const isTaskOwner = createPermissionRule<TaskResource, TaskPermissionQuery, z.infer<typeof claimsParams>>({
  name: 'IS_TASK_OWNER',
  description: 'The run was started by one of the claims (the caller\'s user ref, usually)',
  resourceType: SCAFFOLDER_TASK_RESOURCE_TYPE,
  paramsSchema: claimsParams,
  apply: (task, { claims }) => task.createdBy !== undefined && claims.some(c => c.toLowerCase() === task.createdBy!.toLowerCase()),
  toQuery: ({ claims }) => ({ createdBy: claims.map(c => c.toLowerCase()) }),
});

/** Every rule of the `scaffolder-task` resource type. */
export const scaffolderPermissionRules = [isTaskOwner];

/** Conditions for policies: `scaffolderConditions.isTaskOwner({ claims: ownershipEntityRefs })`. */
export const scaffolderConditions = { isTaskOwner: createConditionFactory(isTaskOwner) };

/** A conditional decision's conditions as the task store's query criteria. */
export const toTaskPermissionQuery = createConditionTransformer<TaskPermissionQuery>(scaffolderPermissionRules);
