// swagger-ui-react ships no types; this is the part of its props the API definition viewer uses.
declare module 'swagger-ui-react' {
  import type { ComponentType } from 'react';
  const SwaggerUI: ComponentType<{
    spec?: string | object;
    url?: string;
    docExpansion?: 'list' | 'full' | 'none';
    defaultModelsExpandDepth?: number;
    supportedSubmitMethods?: string[];
    tryItOutEnabled?: boolean;
  }>;
  export default SwaggerUI;
}

declare module 'swagger-ui-react/swagger-ui.css';
