import { Box, Link, List, ListItem, Paper, Stack, Typography } from '@mui/material';
import { SafeLink } from '@portico/core-components';
import type { JsonObject, JsonValue } from '@portico/plugin-scaffolder-common';
import { Link as RouterLink } from 'react-router';
import { entityRoute, humanizeEntityRef } from '@portico/plugin-catalog-react';

interface OutputLink {
  title?: string;
  url?: string;
  entityRef?: string;
}
interface OutputText {
  title?: string;
  content?: string;
}

function asObjects(value: JsonValue | undefined): JsonObject[] {
  return Array.isArray(value) ? value.filter((v): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v)) : [];
}

/** The run's `output.links` and `output.text`, once it has any. */
export function TaskOutput({ output }: { output: JsonObject | undefined }) {
  const links = asObjects(output?.links) as OutputLink[];
  const texts = asObjects(output?.text) as OutputText[];
  if (links.length === 0 && texts.length === 0) return null;
  return (
    <Paper variant="outlined" component="section" aria-labelledby="task-output-heading" sx={{ p: 2, mb: 2 }}>
      <Typography variant="h6" component="h2" id="task-output-heading">
        Output
      </Typography>
      {links.length ? (
        <List dense aria-label="Output links">
          {links.map((link, i) => {
            const path = link.entityRef ? entityRoute(link.entityRef) : undefined;
            const title = link.title ?? (link.entityRef ? humanizeEntityRef(link.entityRef) : link.url) ?? 'Link';
            return (
              <ListItem key={i}>
                {path ? (
                  <Link component={RouterLink} to={path}>
                    {title}
                  </Link>
                ) : link.url ? (
                  <SafeLink url={link.url} external>
                    {title}
                  </SafeLink>
                ) : (
                  title
                )}
              </ListItem>
            );
          })}
        </List>
      ) : null}
      <Stack spacing={1}>
        {texts.map((text, i) => (
          <Box key={i}>
            {text.title ? (
              <Typography variant="subtitle1" component="h3">
                {text.title}
              </Typography>
            ) : null}
            <Typography component="div" sx={{ whiteSpace: 'pre-wrap' }}>
              {text.content}
            </Typography>
          </Box>
        ))}
      </Stack>
    </Paper>
  );
}
