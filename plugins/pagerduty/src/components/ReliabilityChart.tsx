import { Box, Typography } from '@mui/material';
import type { PagerDutyAnalytics } from '@portico/plugin-pagerduty-common';
import { Bar, BarChart, ResponsiveContainer, XAxis, YAxis } from 'recharts';
import { formatDuration } from './formatDuration';

/** Mean time to acknowledge and to resolve over 30 days, in minutes, as two bars with a text summary. */
export function ReliabilityChart({ analytics }: { analytics: PagerDutyAnalytics }) {
  const data = [
    { name: 'MTTA', minutes: Math.round((analytics.meanSecondsToFirstAck ?? 0) / 60) },
    { name: 'MTTR', minutes: Math.round((analytics.meanSecondsToResolve ?? 0) / 60) },
  ];
  const caption = `Mean time to acknowledge ${analytics.meanSecondsToFirstAck === null ? 'unknown' : formatDuration(analytics.meanSecondsToFirstAck)}, to resolve ${analytics.meanSecondsToResolve === null ? 'unknown' : formatDuration(analytics.meanSecondsToResolve)}.`;
  return (
    <Box component="figure" aria-label="MTTA and MTTR over 30 days" sx={{ m: 0, maxWidth: 420 }}>
      <ResponsiveContainer width="100%" height={140} initialDimension={{ width: 420, height: 140 }}>
        <BarChart data={data} layout="vertical" margin={{ top: 4, right: 16, bottom: 0, left: 0 }}>
          <XAxis type="number" unit=" min" allowDecimals={false} />
          <YAxis type="category" dataKey="name" width={48} />
          <Bar dataKey="minutes" fill="#d32f2f" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
      <Typography component="figcaption" variant="caption" color="text.secondary">
        {caption}
      </Typography>
    </Box>
  );
}
