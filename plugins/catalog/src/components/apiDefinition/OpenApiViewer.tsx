import SwaggerUI from 'swagger-ui-react';
import 'swagger-ui-react/swagger-ui.css';

/** Swagger UI for an OpenAPI document; its own chunk, loaded only when a definition is opened. */
export default function OpenApiViewer({ definition }: { definition: string }) {
  // "Try it out" would call the API from the portal's origin; the catalog is for reading definitions.
  return <SwaggerUI spec={definition} docExpansion="list" supportedSubmitMethods={[]} defaultModelsExpandDepth={0} />;
}
