import { Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import type { JsonObject, JsonValue, TemplateParameterSchema } from '@portico/plugin-scaffolder-common';

function show(value: JsonValue | undefined): string {
  if (value === undefined || value === null || value === '') return '—';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** The title a page's schema gives a field, else its name. */
function fieldTitles(parameters: TemplateParameterSchema): Map<string, string> {
  const titles = new Map<string, string>();
  for (const step of parameters.steps) {
    const properties = step.schema.properties;
    if (typeof properties !== 'object' || properties === null || Array.isArray(properties)) continue;
    for (const [name, property] of Object.entries(properties)) {
      const title = typeof property === 'object' && property !== null && !Array.isArray(property) ? property.title : undefined;
      if (typeof title === 'string') titles.set(name, title);
    }
  }
  return titles;
}

/** Every value entered, labelled as on its form, before the run starts. */
export function ReviewStep({ parameters, values }: { parameters: TemplateParameterSchema; values: JsonObject }) {
  const titles = fieldTitles(parameters);
  const entries = Object.entries(values).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return <Typography>This template takes no parameters.</Typography>;
  return (
    <Table size="small" aria-label="Review values">
      <TableHead>
        <TableRow>
          <TableCell>Field</TableCell>
          <TableCell>Value</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {entries.map(([name, value]) => (
          <TableRow key={name}>
            <TableCell component="th" scope="row">
              {titles.get(name) ?? name}
            </TableCell>
            <TableCell>{show(value)}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
