import { useEffect, useState, type FormEvent } from 'react';
import { Box, Button, MenuItem, Stack, TextField } from '@mui/material';
import type { InsightsInterval } from '@portico/plugin-insights-common';
import { PRESET_RANGES, type InsightsRange, type useInsightsPeriod } from './useInsightsPeriod';

const rangeLabel = (range: InsightsRange) => (range === 'custom' ? 'Custom' : `Last ${Number.parseInt(range, 10)} days`);

/** The date range (last 30/90/180/365 days, or custom dates) and the interval of the series; both live in the URL. */
export function PeriodPicker({ period, showInterval = true }: { period: ReturnType<typeof useInsightsPeriod>; showInterval?: boolean }) {
  const [from, setFrom] = useState(period.fromDate);
  const [to, setTo] = useState(period.toDate);
  useEffect(() => {
    setFrom(period.fromDate);
    setTo(period.toDate);
  }, [period.fromDate, period.toDate]);
  const invalid = !from || !to ? 'Pick both dates' : from >= to ? 'From must be before To' : undefined;

  const apply = (event: FormEvent) => {
    event.preventDefault();
    if (!invalid) period.setCustom(from, to);
  };

  return (
    <Stack direction="row" spacing={2} useFlexGap component="form" aria-label="Period" onSubmit={apply} sx={{ alignItems: 'flex-start', flexWrap: 'wrap' }}>
      <TextField select size="small" label="Range" value={period.range} onChange={e => period.setRange(e.target.value as InsightsRange)} sx={{ minWidth: 170 }}>
        {[...PRESET_RANGES.map(d => `${d}d` as InsightsRange), 'custom' as const].map(r => (
          <MenuItem key={r} value={r}>
            {rangeLabel(r)}
          </MenuItem>
        ))}
      </TextField>
      {period.range === 'custom' && (
        <>
          <TextField size="small" type="date" label="From" value={from} onChange={e => setFrom(e.target.value)} slotProps={{ inputLabel: { shrink: true } }} />
          <TextField
            size="small"
            type="date"
            label="To"
            value={to}
            onChange={e => setTo(e.target.value)}
            error={Boolean(invalid)}
            helperText={invalid}
            slotProps={{ inputLabel: { shrink: true } }}
          />
          <Box>
            <Button type="submit" variant="outlined" disabled={Boolean(invalid)}>
              Apply
            </Button>
          </Box>
        </>
      )}
      {showInterval && (
        <TextField select size="small" label="Interval" value={period.interval} onChange={e => period.setInterval(e.target.value as InsightsInterval)} sx={{ minWidth: 120 }}>
          <MenuItem value="day">Day</MenuItem>
          <MenuItem value="week">Week</MenuItem>
          <MenuItem value="month">Month</MenuItem>
        </TextField>
      )}
    </Stack>
  );
}
