import { useId, useState, type ReactNode } from 'react';
import { Box, Button, Stack, Typography } from '@mui/material';

/**
 * A figure that shows a chart or, at the press of "Table view", the same numbers as a table; its text summary is
 * always visible and describes the chart (`aria-describedby`) for screen readers.
 */
export function ChartOrTable({ title, summary, chart, table }: { title: string; summary: string; chart: ReactNode; table: ReactNode }) {
  const [asTable, setAsTable] = useState(false);
  const titleId = useId();
  const summaryId = useId();
  return (
    <Box component="figure" aria-labelledby={titleId} sx={{ m: 0 }}>
      <Stack direction="row" sx={{ justifyContent: 'space-between', alignItems: 'center' }}>
        <Typography id={titleId} variant="subtitle1" component="h3">
          {title}
        </Typography>
        <Button size="small" aria-pressed={asTable} onClick={() => setAsTable(t => !t)}>
          {asTable ? 'Chart view' : 'Table view'}
        </Button>
      </Stack>
      {asTable ? (
        table
      ) : (
        <Box role="img" aria-label={`${title} chart`} aria-describedby={summaryId}>
          {chart}
        </Box>
      )}
      <Typography id={summaryId} component="figcaption" variant="body2" color="text.secondary">
        {summary}
      </Typography>
    </Box>
  );
}
