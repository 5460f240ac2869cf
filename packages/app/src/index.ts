/** @portico/app: the web shell. The browser entry is src/main.tsx; these exports are for tests and embedding. */
export { App, type AppProps } from './App';
export { loadFrontendConfig } from './loadFrontendConfig';
export { createPorticoTheme } from './theme/createPorticoTheme';
export { ThemeModeProvider, useThemeMode, THEME_STORAGE_KEY, type ThemeMode } from './theme/ThemeModeProvider';
export { ConfigReader } from './apis/ConfigReader';
export { UrlDiscoveryApi } from './apis/UrlDiscoveryApi';
export { DefaultFetchApi } from './apis/DefaultFetchApi';
export { AlertApiForwarder, ErrorApiForwarder } from './apis/MessageApis';
export { ExtensionRegistry, type ExtensionConfigEntry } from './extensions/ExtensionRegistry';
