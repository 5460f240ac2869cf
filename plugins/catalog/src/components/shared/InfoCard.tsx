import { Card, CardContent, CardHeader } from '@mui/material';
import { useId, type ReactNode } from 'react';

/** A titled card; the title names the region for assistive technology. */
export function InfoCard({ title, action, children }: { title: string; action?: ReactNode; children?: ReactNode }) {
  const id = useId();
  return (
    <Card component="section" aria-labelledby={id} variant="outlined" sx={{ height: '100%' }}>
      <CardHeader title={title} action={action} slotProps={{ title: { id, component: 'h2', variant: 'h6' } }} />
      <CardContent>{children}</CardContent>
    </Card>
  );
}
