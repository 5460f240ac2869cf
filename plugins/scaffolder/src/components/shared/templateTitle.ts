import { humanizeEntityRef } from '@portico/plugin-catalog-react';
import type { SerializedTask } from '@portico/plugin-scaffolder-common';

/** A run reads as its template's title, else the template's ref. */
export function templateTitle(task: SerializedTask): string {
  const title = task.spec.templateInfo?.entity?.metadata.title;
  if (typeof title === 'string') return title;
  const ref = task.templateRef ?? task.spec.templateInfo?.entityRef;
  return ref ? humanizeEntityRef(ref, { defaultKind: 'template' }) : 'Unknown template';
}
