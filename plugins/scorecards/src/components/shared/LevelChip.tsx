import { Chip } from '@mui/material';
import type { ScorecardLevel } from '@portico/plugin-scorecards-common';
import { levelColor, levelLabel } from './levels';

/** A level name on its colour, with the text in a readable colour. */
export function LevelChip({ levels, level }: { levels: ScorecardLevel[]; level: string | null }) {
  const color = levelColor(levels, level);
  return (
    <Chip
      size="small"
      label={levelLabel(level)}
      sx={theme => ({ bgcolor: color, color: theme.palette.getContrastText(color) })}
    />
  );
}
