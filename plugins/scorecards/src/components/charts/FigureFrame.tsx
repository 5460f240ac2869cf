import { Box, Typography } from '@mui/material';
import type { ReactNode } from 'react';

/**
 * A chart as a labelled figure: screen readers get the label and the caption (a text summary of the data), everyone
 * else the chart. `legend` goes between the chart and the caption. (ChartFigure adds recharts' sizing to it.)
 */
export function FigureFrame(props: { label: string; caption: string; legend?: ReactNode; children: ReactNode }) {
  return (
    <Box component="figure" aria-label={props.label} sx={{ m: 0, width: '100%' }}>
      {props.children}
      {props.legend}
      <Typography component="figcaption" variant="caption" color="text.secondary">
        {props.caption}
      </Typography>
    </Box>
  );
}
