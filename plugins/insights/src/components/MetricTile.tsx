import { useId, useState } from 'react';
import { Box, Button, Chip, Paper, Stack, Typography } from '@mui/material';
import { INSIGHTS_METRICS, type InsightsMetric } from '@portico/plugin-insights-common';
import { DefinitionText } from './DefinitionText';
import { bandColor, bandLabel, changeOf, formatValue } from './metricText';

const arrow = { up: '↑', down: '↓', same: '→' } as const;

/**
 * One metric of a period: its value with unit, its DORA band, the change vs the previous period (arrow, and whether
 * that is better or worse), its definition on demand and a "Why?" button that opens the events behind it. A metric
 * without enough data says so with the backend's reason, never 0.
 */
export function MetricTile({ metric, days, onWhy }: { metric: InsightsMetric; days: number; onWhy?: () => void }) {
  const titleId = useId();
  const definitionId = useId();
  const [showDefinition, setShowDefinition] = useState(false);
  const change = changeOf(metric.id, metric, metric.previous, days);
  const lowerIsBetter = INSIGHTS_METRICS[metric.id].lowerIsBetter;

  return (
    <Paper variant="outlined" component="section" aria-labelledby={titleId} sx={{ p: 2, height: '100%' }}>
      <Stack spacing={1}>
        <Stack direction="row" spacing={1} sx={{ justifyContent: 'space-between', alignItems: 'flex-start' }}>
          <Typography id={titleId} variant="subtitle1" component="h3">
            {metric.title}
          </Typography>
          {metric.band && <Chip size="small" label={bandLabel[metric.band]} color={bandColor[metric.band]} aria-label={`DORA band: ${bandLabel[metric.band]}`} />}
        </Stack>
        {metric.value === null ? (
          <Box>
            <Typography variant="h5" component="p">
              Not enough data
            </Typography>
            <Typography variant="body2" color="text.secondary">
              {metric.insufficientData ?? `Only ${metric.sampleSize} events in the period.`}
            </Typography>
          </Box>
        ) : (
          <Box>
            <Typography variant="h5" component="p">
              {formatValue(metric.unit, metric.value)}
            </Typography>
            <Typography variant="body2" color="text.secondary">
              from {metric.sampleSize} event{metric.sampleSize === 1 ? '' : 's'}
            </Typography>
          </Box>
        )}
        {change ? (
          <Typography variant="body2" color={change.better === null ? 'text.secondary' : change.better ? 'success.main' : 'error.main'}>
            <span aria-hidden="true">{arrow[change.direction]} </span>
            {change.text}
          </Typography>
        ) : (
          <Typography variant="body2" color="text.secondary">
            {metric.value === null ? 'No change to show' : `No value for the previous ${days} days to compare with`}
          </Typography>
        )}
        <Stack direction="row" spacing={1}>
          <Button size="small" aria-expanded={showDefinition} aria-controls={definitionId} onClick={() => setShowDefinition(s => !s)} aria-label={`Definition of ${metric.title}`}>
            Definition
          </Button>
          {onWhy && (
            <Button size="small" onClick={onWhy} aria-label={`Why? The events behind ${metric.title}`}>
              Why?
            </Button>
          )}
        </Stack>
        <Typography id={definitionId} variant="body2" hidden={!showDefinition}>
          <DefinitionText text={metric.definition} /> {lowerIsBetter ? 'Lower is better.' : 'Higher is better.'}
        </Typography>
      </Stack>
    </Paper>
  );
}
