import { NO_LEVEL, type ScorecardLevel, type TrendPoint } from '@portico/plugin-scorecards-common';
import { Area, AreaChart, Tooltip, XAxis, YAxis } from 'recharts';
import { levelColor, levelLabel, percent, sortLevels } from '../shared/levels';
import { ChartFigure } from './ChartFigure';

function day(time: string): string {
  return new Date(time).toISOString().slice(0, 10);
}

/** Entities per level over time, stacked, lowest level at the bottom. */
export function TrendChart(props: { title: string; levels: ScorecardLevel[]; points: TrendPoint[] }) {
  const names = [NO_LEVEL, ...sortLevels(props.levels).map(l => l.name)];
  const data = props.points.map(p => ({ time: day(p.time), ...Object.fromEntries(names.map(n => [n, p.levels[n] ?? 0])) }));
  const first = props.points[0];
  const last = props.points[props.points.length - 1];
  const caption =
    first && last
      ? `From ${day(first.time)} to ${day(last.time)}, the average score went from ${percent(first.averageScore)} to ${percent(last.averageScore)}.`
      : 'No history yet.';
  return (
    <ChartFigure label={`Trend for ${props.title}`} caption={caption}>
      <AreaChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
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
    </ChartFigure>
  );
}
