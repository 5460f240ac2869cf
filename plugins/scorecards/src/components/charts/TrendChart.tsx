import { Box, Typography } from '@mui/material';
import { NO_LEVEL, type ScorecardLevel, type TrendPoint } from '@portico/plugin-scorecards-common';
import { Area, AreaChart, Bar, BarChart, Tooltip, XAxis, YAxis } from 'recharts';
import { levelColor, levelLabel, percent, sortLevels } from '../shared/levels';
import { ChartFigure } from './ChartFigure';

function day(time: string): string {
  return new Date(time).toISOString().slice(0, 10);
}

/** One point per day, the day's last: a scorecard evaluated every few minutes would otherwise repeat a day. */
export function dailyPoints(points: readonly TrendPoint[]): TrendPoint[] {
  const byDay = new Map<string, TrendPoint>();
  for (const point of [...points].sort((a, b) => Date.parse(a.time) - Date.parse(b.time))) byDay.set(day(point.time), point);
  return [...byDay.values()];
}

/** What each colour means, with the count of the last day. */
function TrendLegend(props: { names: string[]; levels: ScorecardLevel[]; last: TrendPoint }) {
  return (
    <Box
      component="ul"
      aria-label="Legend"
      sx={{ display: 'flex', flexWrap: 'wrap', gap: 2, listStyle: 'none', p: 0, m: 0, mt: 0.5 }}
    >
      {[...props.names].reverse().map(name => (
        <Box component="li" key={name} sx={{ display: 'flex', alignItems: 'center', gap: 0.75 }}>
          <Box
            component="span"
            aria-hidden="true"
            sx={{ width: 12, height: 12, borderRadius: '2px', bgcolor: levelColor(props.levels, name), flexShrink: 0 }}
          />
          <Typography variant="body2" component="span">
            {levelLabel(name)}
          </Typography>
          <Typography variant="body2" component="span" color="text.secondary">
            {props.last.levels[name] ?? 0}
          </Typography>
        </Box>
      ))}
    </Box>
  );
}

/**
 * Entities per level over time, stacked, lowest level at the bottom, one point per day, with a legend. A single
 * day is one stacked bar (an area needs two days to draw anything but dots) and says the trend is yet to come.
 */
export function TrendChart(props: { title: string; levels: ScorecardLevel[]; points: TrendPoint[] }) {
  const names = [NO_LEVEL, ...sortLevels(props.levels).map(l => l.name)];
  const points = dailyPoints(props.points);
  const data = points.map(p => ({ time: day(p.time), ...Object.fromEntries(names.map(n => [n, p.levels[n] ?? 0])) }));
  const first = points[0];
  const last = points[points.length - 1];
  if (!first || !last) {
    return (
      <Typography color="text.secondary" component="p">
        No history yet.
      </Typography>
    );
  }
  const counts = names.map(n => `${levelLabel(n)}: ${last.levels[n] ?? 0}`).join(', ');
  const caption =
    points.length === 1
      ? `On ${day(last.time)}, ${last.total} ${last.total === 1 ? 'entity' : 'entities'} (${counts}), average score ${percent(last.averageScore)}. The trend shows from the second day of history.`
      : `From ${day(first.time)} to ${day(last.time)}, the average score went from ${percent(first.averageScore)} to ${percent(last.averageScore)}.`;
  const margin = { top: 8, right: 8, bottom: 0, left: -16 };
  return (
    <ChartFigure label={`Trend for ${props.title}`} caption={caption} legend={<TrendLegend names={names} levels={props.levels} last={last} />}>
      {points.length === 1 ? (
        <BarChart data={data} margin={margin}>
          <XAxis dataKey="time" />
          <YAxis allowDecimals={false} />
          <Tooltip />
          {names.map(name => (
            <Bar
              key={name}
              dataKey={name}
              name={levelLabel(name)}
              stackId="levels"
              maxBarSize={72}
              fill={levelColor(props.levels, name)}
              isAnimationActive={false}
            />
          ))}
        </BarChart>
      ) : (
        <AreaChart data={data} margin={margin}>
          <XAxis dataKey="time" />
          <YAxis allowDecimals={false} />
          <Tooltip />
          {names.map(name => (
            <Area
              key={name}
              type="monotone"
              dataKey={name}
              name={levelLabel(name)}
              stackId="levels"
              stroke={levelColor(props.levels, name)}
              fill={levelColor(props.levels, name)}
              isAnimationActive={false}
            />
          ))}
        </AreaChart>
      )}
    </ChartFigure>
  );
}
