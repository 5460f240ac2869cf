import { Box, Typography } from '@mui/material';
import { lazy, Suspense } from 'react';
import { Progress } from '@portico/core-components';

const OpenApiViewer = lazy(() => import('./OpenApiViewer'));

/** The definition as text, for types without a viewer (AsyncAPI, GraphQL, gRPC) or as a fallback. */
export function CodeView({ definition, language }: { definition: string; language: string }) {
  return (
    <Box
      component="pre"
      aria-label={`${language} definition`}
      tabIndex={0}
      sx={{ p: 2, bgcolor: 'action.hover', borderRadius: 1, overflow: 'auto', maxHeight: 600, fontSize: 13, m: 0 }}
    >
      <code>{definition}</code>
    </Box>
  );
}

/** An API entity's `spec.definition`: OpenAPI in Swagger UI (lazily loaded), anything else as code. */
export function ApiDefinition({ type, definition }: { type: string; definition: string }) {
  if (!definition.trim()) {
    return <Typography color="text.secondary">This API has no definition.</Typography>;
  }
  if (type.toLocaleLowerCase('en-US') === 'openapi') {
    return (
      <Box aria-label="OpenAPI definition" role="region">
        <Suspense fallback={<Progress label="Loading the API viewer" />}>
          <OpenApiViewer definition={definition} />
        </Suspense>
      </Box>
    );
  }
  return <CodeView definition={definition} language={type || 'API'} />;
}
