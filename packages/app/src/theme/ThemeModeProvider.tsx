import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { CssBaseline, ThemeProvider } from '@mui/material';
import { createPorticoTheme } from './createPorticoTheme';

export type ThemeMode = 'light' | 'dark';

/** localStorage key that remembers the user's choice. */
export const THEME_STORAGE_KEY = 'portico.themeMode';

const ThemeModeContext = createContext<{ mode: ThemeMode; toggle(): void } | undefined>(undefined);

function initialMode(): ThemeMode {
  try {
    const stored = window.localStorage.getItem(THEME_STORAGE_KEY);
    if (stored === 'light' || stored === 'dark') return stored;
  } catch {
    // storage can be unavailable (privacy mode): fall back to the system preference
  }
  return typeof window.matchMedia === 'function' && window.matchMedia('(prefers-color-scheme: dark)').matches
    ? 'dark'
    : 'light';
}

/** Light and dark MUI themes; the choice is remembered in localStorage. */
export function ThemeModeProvider(props: { children?: ReactNode }) {
  const [mode, setMode] = useState<ThemeMode>(initialMode);
  const toggle = useCallback(() => {
    setMode(current => {
      const next = current === 'light' ? 'dark' : 'light';
      try {
        window.localStorage.setItem(THEME_STORAGE_KEY, next);
      } catch {
        // not remembered, still switched
      }
      return next;
    });
  }, []);
  const theme = useMemo(() => createPorticoTheme(mode), [mode]);
  const value = useMemo(() => ({ mode, toggle }), [mode, toggle]);
  return (
    <ThemeModeContext.Provider value={value}>
      <ThemeProvider theme={theme}>
        <CssBaseline enableColorScheme />
        {props.children}
      </ThemeProvider>
    </ThemeModeContext.Provider>
  );
}

/** The current theme mode and a toggle. */
export function useThemeMode(): { mode: ThemeMode; toggle(): void } {
  const value = useContext(ThemeModeContext);
  if (!value) throw new Error('useThemeMode must be used inside <ThemeModeProvider>');
  return value;
}
