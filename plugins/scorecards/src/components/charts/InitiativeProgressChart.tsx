import type { InitiativeProgress } from '@portico/plugin-scorecards-common';
import { CartesianGrid, Line, LineChart, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import { ChartFigure } from './ChartFigure';

const day = (time: number) => new Date(time).toISOString().slice(0, 10);

/**
 * Entities at or above the target over time, against the straight line from the first measurement to
 * every entity by the deadline.
 */
export function InitiativeProgressChart({ progress }: { progress: InitiativeProgress }) {
  const deadline = Date.parse(progress.initiative.deadline);
  const points = progress.history.map(p => ({ time: Date.parse(p.time), atOrAbove: p.atOrAbove, total: p.total }));
  const start = points[0] ?? { time: Date.parse(progress.initiative.createdAt), atOrAbove: 0, total: progress.total };
  // The pace line: where the count should be at each time to reach everyone by the deadline.
  const planned = (time: number) =>
    deadline > start.time
      ? Math.round((start.atOrAbove + ((progress.total - start.atOrAbove) * (time - start.time)) / (deadline - start.time)) * 10) / 10
      : progress.total;
  const data = [
    ...points.map(p => ({ time: p.time, atOrAbove: p.atOrAbove, planned: planned(p.time) })),
    ...(deadline > (points[points.length - 1]?.time ?? 0) ? [{ time: deadline, planned: progress.total }] : []),
  ];
  const caption = `${progress.atOrAbove} of ${progress.total} entities at ${progress.initiative.targetLevel} or above; the deadline is ${day(deadline)}.`;
  return (
    <ChartFigure label={`Progress of ${progress.initiative.title}`} caption={caption}>
      <LineChart data={data} margin={{ top: 8, right: 16, bottom: 0, left: -16 }}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis dataKey="time" type="number" scale="time" domain={['dataMin', 'dataMax']} tickFormatter={day} />
        <YAxis allowDecimals={false} domain={[0, Math.max(progress.total, 1)]} />
        <Tooltip labelFormatter={value => day(Number(value))} />
        <ReferenceLine x={deadline} stroke="#d32f2f" label={{ value: 'Deadline', position: 'insideTopRight' }} />
        <Line dataKey="planned" name="On pace" stroke="#9e9e9e" strokeDasharray="5 5" dot={false} isAnimationActive={false} />
        <Line dataKey="atOrAbove" name="At target" stroke="#1976d2" connectNulls isAnimationActive={false} />
      </LineChart>
    </ChartFigure>
  );
}
