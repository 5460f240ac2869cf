import { createTheme, type Theme } from '@mui/material';

/** Portico's MUI theme for a mode: one palette, one shape, used by the shell and every plugin. */
export function createPorticoTheme(mode: 'light' | 'dark'): Theme {
  return createTheme({
    palette: {
      mode,
      primary: { main: mode === 'light' ? '#2f5d8a' : '#8ab4e8' },
      secondary: { main: mode === 'light' ? '#8a3f2f' : '#e8a08a' },
      background: mode === 'light' ? { default: '#f6f7f9', paper: '#ffffff' } : { default: '#121417', paper: '#1b1e23' },
    },
    shape: { borderRadius: 6 },
    typography: { fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif' },
    components: {
      MuiButtonBase: { defaultProps: { disableRipple: false } },
    },
  });
}
