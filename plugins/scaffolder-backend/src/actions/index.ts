import type { TemplateAction } from '../extensions';
import type { HostPolicy } from '../service/guardedRequest';
import type { Sandbox } from '../service/sandbox/Sandbox';
import type { SandboxedTemplater } from '../service/sandbox/SandboxedTemplater';
import type { SkeletonReader } from '../service/SkeletonReader';
import { createCatalogFetchAction, createCatalogRegisterAction, type CatalogLocationsClient } from './catalogRegister';
import { createDataTransformAction } from './dataTransform';
import { createDebugLogAction, createDebugWaitAction } from './debug';
import { createFetchPlainAction, createFetchTemplateAction } from './fetch';
import { createFsDeleteAction, createFsRenameAction } from './fs';
import { createHttpRequestAction } from './http';
import { createApprovalRequestAction, createInputRequestAction } from './human';
import { createPublishGitAction } from './publishGit';
import { createNotifySlackAction } from './slack';

export { createCatalogFetchAction, createCatalogRegisterAction, type CatalogLocationsClient } from './catalogRegister';
export { createDataTransformAction } from './dataTransform';
export { createDebugLogAction, createDebugWaitAction } from './debug';
export { createFetchPlainAction, createFetchTemplateAction } from './fetch';
export { createFsDeleteAction, createFsRenameAction } from './fs';
export { createHttpRequestAction } from './http';
export { createApprovalRequestAction, createInputRequestAction, normalizeAssignee } from './human';
export { createPublishGitAction } from './publishGit';
export { createNotifySlackAction } from './slack';

export interface BuiltinActionsOptions {
  reader: SkeletonReader;
  templater: SandboxedTemplater;
  /** Where JSONata expressions are evaluated. */
  sandbox: Sandbox;
  httpPolicy: HostPolicy;
  catalog: CatalogLocationsClient;
  slackWebhookUrl?: string;
  gitAllowedRemotes?: string[];
  gitAuthor?: { name: string; email: string };
}

export function createBuiltinActions(options: BuiltinActionsOptions): TemplateAction[] {
  return [
    createFetchTemplateAction({ reader: options.reader, templater: options.templater }),
    createFetchPlainAction({ reader: options.reader }),
    createFsRenameAction(),
    createFsDeleteAction(),
    createDebugLogAction(),
    createDebugWaitAction(),
    createHttpRequestAction({ policy: options.httpPolicy }),
    createDataTransformAction({ sandbox: options.sandbox }),
    createInputRequestAction(),
    createApprovalRequestAction(),
    createNotifySlackAction({ policy: options.httpPolicy, defaultWebhookUrl: options.slackWebhookUrl }),
    createCatalogRegisterAction({ catalog: options.catalog }),
    createCatalogFetchAction({ catalog: options.catalog }),
    createPublishGitAction({ allowedRemotes: options.gitAllowedRemotes ?? [], defaultAuthor: options.gitAuthor }),
  ];
}
