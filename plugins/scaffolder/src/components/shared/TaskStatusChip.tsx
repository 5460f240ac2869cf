import { Chip, type ChipProps } from '@mui/material';
import type { StepStatus, TaskStatus } from '@portico/plugin-scaffolder-common';

const COLORS: Record<TaskStatus | StepStatus, ChipProps['color']> = {
  open: 'default',
  processing: 'info',
  waiting: 'warning',
  completed: 'success',
  failed: 'error',
  cancelled: 'default',
  skipped: 'default',
};

/** A run's or a step's status as a coloured label. */
export function TaskStatusChip({ status }: { status: TaskStatus | StepStatus }) {
  return <Chip size="small" label={status} color={COLORS[status] ?? 'default'} variant={status === 'open' ? 'outlined' : 'filled'} />;
}
