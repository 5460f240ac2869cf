import { Box, Table, TableBody, TableCell, TableHead, TableRow } from '@mui/material';
import type { ErrorSourcePosition } from '@portico/plugin-catalog-common';
import { EntityRefLink } from './EntityRefLink';

/** A problem as the catalog reports it, with where it is when known. */
export interface SourceError extends ErrorSourcePosition {
  entityRef?: string;
  locationKey?: string;
  reason: string;
  message: string;
}

/** `file:line`, or the file alone, or the location key when the file is not known. */
export function whereOf(error: SourceError): string {
  const file = error.file ?? error.locationKey ?? '';
  return error.line ? `${file}:${error.line}` : file;
}

/** Problems with their file and line, field, entity and the source line they point at. */
export function SourceErrorsTable({
  errors,
  label,
  showEntity = true,
  linkEntities = true,
}: {
  errors: SourceError[];
  label: string;
  showEntity?: boolean;
  /** Link each entity to its page (not on a preview: it is not in the catalog yet). */
  linkEntities?: boolean;
}) {
  return (
    <Table size="small" aria-label={label}>
      <TableHead>
        <TableRow>
          <TableCell>Where</TableCell>
          {showEntity ? <TableCell>Entity</TableCell> : null}
          <TableCell>Field</TableCell>
          <TableCell>Problem</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {errors.map((error, i) => (
          <TableRow key={i}>
            <TableCell sx={{ fontFamily: 'monospace', wordBreak: 'break-all' }}>{whereOf(error)}</TableCell>
            {showEntity ? <TableCell>{!error.entityRef ? '—' : linkEntities ? <EntityRefLink entityRef={error.entityRef} /> : error.entityRef}</TableCell> : null}
            <TableCell sx={{ fontFamily: 'monospace' }}>{error.field ?? '—'}</TableCell>
            <TableCell>
              <strong>{error.reason}: </strong>
              {error.message}
              {error.source !== undefined ? (
                <Box
                  component="pre"
                  aria-label={`Source line ${error.line ?? ''}`.trim()}
                  sx={{ m: 0, mt: 0.5, p: 0.5, bgcolor: 'action.hover', fontSize: '0.8rem', overflowX: 'auto' }}
                >
                  {`${error.line ?? ''} | ${error.source}`}
                </Box>
              ) : null}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
