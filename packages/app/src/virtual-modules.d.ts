declare module 'virtual:portico-plugins' {
  import type { FrontendPlugin } from '@portico/frontend-plugin-api';
  const plugins: FrontendPlugin[];
  export default plugins;
}
