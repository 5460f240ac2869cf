import { Box, Typography } from '@mui/material';
import type { JiraDailyCount } from '@portico/plugin-jira-common';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

/** Issues created and resolved per day over the last 30 days, two lines, with a text summary for everyone. */
export function CreatedResolvedChart({ days }: { days: JiraDailyCount[] }) {
  const created = days.reduce((n, d) => n + d.created, 0);
  const resolved = days.reduce((n, d) => n + d.resolved, 0);
  const caption = `${created} created and ${resolved} resolved in the last ${days.length} days${created > resolved ? `: the backlog grew by ${created - resolved}` : created < resolved ? `: the backlog shrank by ${resolved - created}` : ''}.`;
  return (
    <Box component="figure" aria-label="Issues created vs resolved over 30 days" sx={{ m: 0 }}>
      <ResponsiveContainer width="100%" height={160} initialDimension={{ width: 420, height: 160 }}>
        <LineChart data={days.map(d => ({ ...d, day: d.date.slice(5) }))} margin={{ top: 4, right: 16, bottom: 0, left: -16 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="day" minTickGap={16} />
          <YAxis allowDecimals={false} />
          <Tooltip />
          <Legend />
          <Line type="monotone" dataKey="created" name="Created" stroke="#d32f2f" dot={false} isAnimationActive={false} />
          <Line type="monotone" dataKey="resolved" name="Resolved" stroke="#2e7d32" dot={false} isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
      <Typography component="figcaption" variant="caption" color="text.secondary">
        {caption}
      </Typography>
    </Box>
  );
}
