import type { ScorecardLevel } from '@portico/plugin-scorecards-common';
import { distributionRows } from '../shared/levels';
import { FigureFrame } from './FigureFrame';

const WIDTH = 480;
const HEIGHT = 180;
/** Room above the bars for their counts, and below them for the level names. */
const TOP = 18;
const BOTTOM = 22;

/**
 * How many entities sit at each level of a scorecard (and below every level), as bars with their counts: plain SVG,
 * so the scorecards page draws it without loading the charting library (issue 19, item 10). Each bar's tooltip
 * says its level and count.
 */
export function LevelDistributionChart(props: {
  title: string;
  levels: ScorecardLevel[];
  distribution: Record<string, number>;
}) {
  const rows = distributionRows(props.levels, props.distribution);
  const caption = rows.map(r => `${r.label}: ${r.count}`).join(', ');
  const max = Math.max(1, ...rows.map(r => r.count));
  const slot = WIDTH / Math.max(rows.length, 1);
  const barWidth = Math.min(72, slot * 0.7);
  const plot = HEIGHT - TOP - BOTTOM;
  return (
    <FigureFrame label={`Entities by level for ${props.title}`} caption={caption}>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} width="100%" height={HEIGHT} aria-hidden="true" style={{ display: 'block', fontSize: 12 }}>
        <line x1={0} x2={WIDTH} y1={TOP + plot} y2={TOP + plot} stroke="currentColor" strokeOpacity={0.3} />
        {rows.map((row, i) => {
          const height = (row.count / max) * plot;
          const x = i * slot + (slot - barWidth) / 2;
          const y = TOP + plot - height;
          return (
            <g key={row.name}>
              <rect x={x} y={y} width={barWidth} height={height} fill={row.color}>
                <title>{`${row.label}: ${row.count}`}</title>
              </rect>
              <text x={x + barWidth / 2} y={y - 4} textAnchor="middle" fill="currentColor">
                {row.count}
              </text>
              <text x={x + barWidth / 2} y={HEIGHT - 6} textAnchor="middle" fill="currentColor" fillOpacity={0.7}>
                {row.label}
              </text>
            </g>
          );
        })}
      </svg>
    </FigureFrame>
  );
}
