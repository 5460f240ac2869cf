/** @portico/app: the web shell. The browser entry is src/main.tsx; these exports are for tests and embedding. */
export { App, type AppProps } from './App';
export { loadFrontendConfig } from './loadFrontendConfig';
export { createPorticoTheme } from './theme/createPorticoTheme';
export { ThemeModeProvider, useThemeMode, THEME_STORAGE_KEY, type ThemeMode } from './theme/ThemeModeProvider';
