import { Box, Typography } from '@mui/material';
import type { ReactElement, ReactNode } from 'react';
import { ResponsiveContainer } from 'recharts';

/**
 * A chart as a labelled figure: screen readers get the label and the caption (a text summary of the
 * data), everyone else the chart. Starts at a fixed size until the container has been measured. `legend` goes
 * between the chart and the caption.
 */
export function ChartFigure(props: { label: string; caption: string; height?: number; legend?: ReactNode; children: ReactElement }) {
  const height = props.height ?? 220;
  return (
    <Box component="figure" aria-label={props.label} sx={{ m: 0, width: '100%' }}>
      <ResponsiveContainer width="100%" height={height} initialDimension={{ width: 480, height }}>
        {props.children}
      </ResponsiveContainer>
      {props.legend}
      <Typography component="figcaption" variant="caption" color="text.secondary">
        {props.caption}
      </Typography>
    </Box>
  );
}
