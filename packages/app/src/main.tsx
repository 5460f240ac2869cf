import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import plugins from 'virtual:portico-plugins';
import { App } from './App';
import { loadFrontendConfig } from './loadFrontendConfig';
import { preloadCurrentPage } from './preloadCurrentPage';

async function start() {
  preloadCurrentPage(plugins, window.location.pathname, () => import('./components/HomePage'));
  const config = await loadFrontendConfig();
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <BrowserRouter>
        <App plugins={plugins} config={config} />
      </BrowserRouter>
    </StrictMode>,
  );
}

void start();
