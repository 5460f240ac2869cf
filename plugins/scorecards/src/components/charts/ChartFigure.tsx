import type { ReactElement, ReactNode } from 'react';
import { ResponsiveContainer } from 'recharts';
import { FigureFrame } from './FigureFrame';

/**
 * A recharts chart as a labelled figure (FigureFrame). Starts at a fixed size until the container has been measured.
 * `legend` goes between the chart and the caption.
 */
export function ChartFigure(props: { label: string; caption: string; height?: number; legend?: ReactNode; children: ReactElement }) {
  const height = props.height ?? 220;
  return (
    <FigureFrame label={props.label} caption={props.caption} legend={props.legend}>
      <ResponsiveContainer width="100%" height={height} initialDimension={{ width: 480, height }}>
        {props.children}
      </ResponsiveContainer>
    </FigureFrame>
  );
}
