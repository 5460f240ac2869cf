import type { ScorecardLevel } from '@portico/plugin-scorecards-common';
import { Bar, BarChart, Cell, Tooltip, XAxis, YAxis } from 'recharts';
import { distributionRows } from '../shared/levels';
import { ChartFigure } from './ChartFigure';

/** How many entities sit at each level of a scorecard (and below every level), as bars. */
export function LevelDistributionChart(props: {
  title: string;
  levels: ScorecardLevel[];
  distribution: Record<string, number>;
}) {
  const rows = distributionRows(props.levels, props.distribution);
  const caption = rows.map(r => `${r.label}: ${r.count}`).join(', ');
  return (
    <ChartFigure label={`Entities by level for ${props.title}`} caption={caption} height={180}>
      <BarChart data={rows} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
        <XAxis dataKey="label" />
        <YAxis allowDecimals={false} />
        <Tooltip />
        <Bar dataKey="count" name="Entities" isAnimationActive={false}>
          {rows.map(r => (
            <Cell key={r.name} fill={r.color} />
          ))}
        </Bar>
      </BarChart>
    </ChartFigure>
  );
}
