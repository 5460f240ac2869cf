import { Box, LinearProgress } from '@mui/material';

/** Shown while a lazily loaded page or extension arrives. */
export function PageProgress(props: { label?: string }) {
  return (
    <Box sx={{ p: 2 }}>
      <LinearProgress aria-label={props.label ?? 'Loading page'} />
    </Box>
  );
}
