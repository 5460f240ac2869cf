import { Table, TableBody, TableCell, TableHead, TableRow } from '@mui/material';
import { DEFAULT_NAMESPACE, type Entity } from '@portico/catalog-model';
import { useApi } from '@portico/frontend-plugin-api';
import type { ReactNode } from 'react';
import { catalogApiRef } from '@portico/plugin-catalog-react';
import { useAsync } from '@portico/core-components';
import { EntityRefLink } from './EntityRefLink';
import { EmptyState, ErrorPanel, Progress } from '@portico/core-components';

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

export interface RelatedEntitiesTableProps {
  /** Accessible name of the table, e.g. "Provided APIs". */
  label: string;
  entityRefs: string[];
  emptyMessage: string;
  /** Extra action per row (e.g. "Show definition"). */
  rowAction?: (entity: Entity) => ReactNode;
}

/** The entities behind a list of refs, fetched in one request; refs the catalog lacks are listed as missing. */
export function RelatedEntitiesTable({ label, entityRefs, emptyMessage, rowAction }: RelatedEntitiesTableProps) {
  const catalogApi = useApi(catalogApiRef);
  const key = entityRefs.join('\n');
  const { loading, error, value, retry } = useAsync(
    async () => (entityRefs.length ? (await catalogApi.getEntitiesByRefs({ entityRefs })).items : []),
    [catalogApi, key],
  );
  if (entityRefs.length === 0) return <EmptyState title={emptyMessage} />;
  if (error) return <ErrorPanel title={`Could not load ${label.toLocaleLowerCase('en-US')}`} error={error} onRetry={retry} />;
  if (loading || !value) return <Progress label={`Loading ${label.toLocaleLowerCase('en-US')}`} />;
  return (
    <Table size="small" aria-label={label}>
      <TableHead>
        <TableRow>
          <TableCell>Name</TableCell>
          <TableCell>Kind</TableCell>
          <TableCell>Type</TableCell>
          <TableCell>Owner</TableCell>
          <TableCell>Lifecycle</TableCell>
          <TableCell>Description</TableCell>
          {rowAction ? <TableCell>Actions</TableCell> : null}
        </TableRow>
      </TableHead>
      <TableBody>
        {entityRefs.map((ref, i) => {
          const entity = value[i];
          if (!entity) {
            return (
              <TableRow key={ref}>
                <TableCell>{ref}</TableCell>
                <TableCell colSpan={rowAction ? 6 : 5}>Not in the catalog</TableCell>
              </TableRow>
            );
          }
          const owner = text(entity.spec?.owner);
          return (
            <TableRow key={ref}>
              <TableCell>
                <EntityRefLink entityRef={entity} />
              </TableCell>
              <TableCell>{entity.kind}</TableCell>
              <TableCell>{text(entity.spec?.type)}</TableCell>
              <TableCell>
                {owner ? (
                  <EntityRefLink
                    entityRef={owner}
                    defaultKind="group"
                    defaultNamespace={entity.metadata.namespace ?? DEFAULT_NAMESPACE}
                  />
                ) : null}
              </TableCell>
              <TableCell>{text(entity.spec?.lifecycle)}</TableCell>
              <TableCell>{entity.metadata.description}</TableCell>
              {rowAction ? <TableCell>{rowAction(entity)}</TableCell> : null}
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}

/** The targets of an entity's relations of the given types, sorted and without duplicates. */
export function relatedRefs(entity: Entity, ...types: string[]): string[] {
  const wanted = new Set(types);
  return [...new Set((entity.relations ?? []).filter(r => wanted.has(r.type)).map(r => r.targetRef))].sort();
}
