import {
  Alert,
  Autocomplete,
  Box,
  Button,
  Card,
  CardActions,
  CardContent,
  Chip,
  Stack,
  TextField,
  Typography,
} from '@mui/material';
import { DEFAULT_NAMESPACE, type Entity } from '@portico/catalog-model';
import { useApi } from '@portico/frontend-plugin-api';
import { catalogApiRef, humanizeEntityRef } from '@portico/plugin-catalog-react';
import { templateActionAvailability, type MissingTemplateAction } from '@portico/plugin-scaffolder-common';
import { scaffolderApiRef } from '../../api/ScaffolderApi';
import { useMemo, useState } from 'react';
import { Link as RouterLink } from 'react-router';
import { ScaffolderHeader } from '../shared/ScaffolderNav';
import { EmptyState, ErrorPanel, Progress } from '@portico/core-components';
import { useAsync } from '@portico/core-components';

/** Where the wizard for a template lives. */
export function templateRoute(entity: Entity): string {
  const namespace = entity.metadata.namespace ?? DEFAULT_NAMESPACE;
  return `/create/templates/${encodeURIComponent(namespace)}/${encodeURIComponent(entity.metadata.name)}`;
}

function ownerOf(entity: Entity): string | undefined {
  const owner = (entity.spec as { owner?: unknown } | undefined)?.owner;
  return typeof owner === 'string' && owner ? owner : undefined;
}

/** Does the template match the search text (title, name, description, tags)? */
export function matchesSearch(entity: Entity, search: string): boolean {
  const term = search.trim().toLocaleLowerCase('en-US');
  if (!term) return true;
  const { name, title, description, tags } = entity.metadata;
  return [name, title, description, ...(tags ?? [])].some(v => v?.toLocaleLowerCase('en-US').includes(term));
}

/** The template's steps whose action is not among `actions` (undefined while the actions are unknown). */
export function missingActionsOf(entity: Entity, actions: string[] | undefined): { runnable: boolean; missing: MissingTemplateAction[] } {
  const steps = (entity.spec as { steps?: unknown } | undefined)?.steps;
  if (!actions || !Array.isArray(steps)) return { runnable: true, missing: [] };
  return templateActionAvailability(steps as Array<{ id: string; name?: string; action: string; if?: unknown }>, actions);
}

function TemplateCard({ entity, actions }: { entity: Entity; actions: string[] | undefined }) {
  const title = entity.metadata.title ?? entity.metadata.name;
  const { runnable, missing } = missingActionsOf(entity, actions);
  const owner = ownerOf(entity);
  const type = (entity.spec as { type?: unknown } | undefined)?.type;
  return (
    <Card component="article" aria-label={title} variant="outlined" sx={{ display: 'flex', flexDirection: 'column' }}>
      <CardContent sx={{ flexGrow: 1 }}>
        {typeof type === 'string' ? (
          <Typography variant="overline" color="text.secondary">
            {type}
          </Typography>
        ) : null}
        <Typography variant="h6" component="h2">
          {title}
        </Typography>
        {entity.metadata.description ? <Typography sx={{ mt: 1 }}>{entity.metadata.description}</Typography> : null}
        {owner ? (
          <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }}>
            Owner: {humanizeEntityRef(owner, { defaultKind: 'group' })}
          </Typography>
        ) : null}
        {!runnable ? (
          <Alert severity="warning" sx={{ mt: 1 }} aria-label={`${title} is unavailable`}>
            Unavailable: {[...new Set(missing.filter(m => !m.optional).map(m => m.reason))].join('; ')}.
          </Alert>
        ) : missing.length ? (
          <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }}>
            Optional step{missing.length === 1 ? '' : 's'} unavailable: {[...new Set(missing.map(m => `${m.stepName ?? m.stepId} (needs the '${m.pluginId}' plugin)`))].join(', ')}.
          </Typography>
        ) : null}
        {entity.metadata.tags?.length ? (
          <Stack direction="row" spacing={1} sx={{ mt: 1, flexWrap: 'wrap' }} aria-label="Tags">
            {entity.metadata.tags.map(tag => (
              <Chip key={tag} label={tag} size="small" />
            ))}
          </Stack>
        ) : null}
      </CardContent>
      <CardActions>
        {runnable ? (
          <Button component={RouterLink} to={templateRoute(entity)} variant="contained" aria-label={`Choose ${title}`}>
            Choose
          </Button>
        ) : (
          <Button component={RouterLink} to={templateRoute(entity)} aria-label={`Why ${title} is unavailable`}>
            Details
          </Button>
        )}
      </CardActions>
    </Card>
  );
}

/** `/create`: the templates in the catalog, searchable and filtered by tag and owner. */
export function TemplateGalleryPage() {
  const catalogApi = useApi(catalogApiRef);
  const templates = useAsync(
    () => catalogApi.getEntities({ filter: { kind: 'template' } }).then(r => r.items),
    [catalogApi],
  );
  const scaffolderApi = useApi(scaffolderApiRef);
  // Without the list (an older backend, an error) every template is shown as available; its page still says why not.
  const actions = useAsync(
    () => scaffolderApi.listActions().then(list => list.map(a => a.id)).catch(() => undefined),
    [scaffolderApi],
  );
  const [search, setSearch] = useState('');
  const [tags, setTags] = useState<string[]>([]);
  const [owner, setOwner] = useState<string | null>(null);

  const all = templates.value ?? [];
  const tagOptions = useMemo(() => [...new Set(all.flatMap(t => t.metadata.tags ?? []))].sort(), [all]);
  const ownerOptions = useMemo(
    () => [...new Set(all.map(ownerOf).filter((o): o is string => !!o))].sort(),
    [all],
  );
  const shown = all.filter(
    t =>
      matchesSearch(t, search) &&
      tags.every(tag => t.metadata.tags?.includes(tag)) &&
      (!owner || ownerOf(t) === owner),
  );

  return (
    <Box component="main" sx={{ p: 3 }}>
      <ScaffolderHeader title="Create" subtitle="Start something new the approved way: choose a template." />
      <Stack direction={{ xs: 'column', md: 'row' }} spacing={2} sx={{ mb: 3 }} role="search" aria-label="Filter templates">
        <TextField
          label="Search templates"
          value={search}
          onChange={e => setSearch(e.target.value)}
          size="small"
          sx={{ minWidth: 260 }}
        />
        <Autocomplete
          multiple
          options={tagOptions}
          value={tags}
          onChange={(_e, value) => setTags(value)}
          renderInput={params => <TextField {...params} label="Tags" size="small" />}
          sx={{ minWidth: 240 }}
        />
        <Autocomplete
          options={ownerOptions}
          value={owner}
          onChange={(_e, value) => setOwner(value)}
          getOptionLabel={o => humanizeEntityRef(o, { defaultKind: 'group' })}
          renderInput={params => <TextField {...params} label="Owner" size="small" />}
          sx={{ minWidth: 240 }}
        />
      </Stack>
      {templates.loading && !templates.value ? (
        <Progress label="Loading templates" />
      ) : templates.error ? (
        <ErrorPanel title="Could not load the templates" error={templates.error} onRetry={templates.retry} />
      ) : all.length === 0 ? (
        <EmptyState title="No templates yet">Register a location with Template entities in the catalog.</EmptyState>
      ) : shown.length === 0 ? (
        <EmptyState title="No templates match">Clear the search or the filters.</EmptyState>
      ) : (
        <Box
          role="list"
          aria-label="Templates"
          sx={{ display: 'grid', gap: 2, gridTemplateColumns: 'repeat(auto-fill, minmax(280px, 1fr))' }}
        >
          {shown.map(t => (
            <Box role="listitem" key={`${t.metadata.namespace ?? DEFAULT_NAMESPACE}/${t.metadata.name}`} sx={{ display: 'flex' }}>
              <TemplateCard entity={t} actions={actions.value} />
            </Box>
          ))}
        </Box>
      )}
    </Box>
  );
}

export default TemplateGalleryPage;
