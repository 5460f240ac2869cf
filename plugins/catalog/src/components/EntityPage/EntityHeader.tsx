import { Box, Chip, Stack, Typography } from '@mui/material';
import { DEFAULT_NAMESPACE, type Entity } from '@portico/catalog-model';
import { EntityRefLink } from '../shared/EntityRefLink';

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : undefined;
}

/** The top of an entity page: what it is, what it is called, who owns it, where it is in its life. */
export function EntityHeader({ entity }: { entity: Entity }) {
  const owner = text(entity.spec?.owner);
  const lifecycle = text(entity.spec?.lifecycle);
  const type = text(entity.spec?.type);
  const namespace = entity.metadata.namespace ?? DEFAULT_NAMESPACE;
  return (
    <Box component="header" sx={{ mb: 2 }}>
      <Typography variant="overline" color="text.secondary" aria-label="Kind">
        {entity.kind}
        {type ? ` — ${type}` : ''}
      </Typography>
      <Typography variant="h4" component="h1">
        {entity.metadata.title ?? entity.metadata.name}
      </Typography>
      {entity.metadata.title ? (
        <Typography variant="body2" color="text.secondary" aria-label="Name">
          {namespace === DEFAULT_NAMESPACE ? entity.metadata.name : `${namespace}/${entity.metadata.name}`}
        </Typography>
      ) : null}
      <Stack direction="row" spacing={3} sx={{ mt: 1, flexWrap: 'wrap', alignItems: 'center' }} component="dl">
        {owner ? (
          <Box>
            <Typography component="dt" variant="caption" color="text.secondary">
              Owner
            </Typography>
            <Typography component="dd" sx={{ m: 0 }}>
              <EntityRefLink entityRef={owner} defaultKind="group" defaultNamespace={namespace} />
            </Typography>
          </Box>
        ) : null}
        {lifecycle ? (
          <Box>
            <Typography component="dt" variant="caption" color="text.secondary">
              Lifecycle
            </Typography>
            <Typography component="dd" sx={{ m: 0 }}>
              {lifecycle}
            </Typography>
          </Box>
        ) : null}
        {entity.metadata.tags?.length ? (
          <Box>
            <Typography component="dt" variant="caption" color="text.secondary">
              Tags
            </Typography>
            <Box component="dd" sx={{ m: 0 }}>
              {entity.metadata.tags.map(tag => (
                <Chip key={tag} label={tag} size="small" sx={{ mr: 0.5 }} />
              ))}
            </Box>
          </Box>
        ) : null}
      </Stack>
    </Box>
  );
}
