import { Box, Chip, Grid, Typography } from '@mui/material';
import {
  ANNOTATION_SOURCE_LOCATION,
  ANNOTATION_VIEW_URL,
  DEFAULT_NAMESPACE,
  parseEntityRef,
  type Entity,
} from '@portico/catalog-model';
import { useApi } from '@portico/frontend-plugin-api';
import { catalogApiRef, useEntity } from '@portico/plugin-catalog-react';
import { SafeLink, useAsync } from '@portico/core-components';
import type { ReactNode } from 'react';
import { EntityRefLink } from '../shared/EntityRefLink';
import { InfoCard } from '../shared/InfoCard';

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : undefined;
}

function Field({ label, children }: { label: string; children?: ReactNode }) {
  return (
    <Grid size={{ xs: 12, sm: 6 }}>
      <Typography component="dt" variant="caption" color="text.secondary">
        {label}
      </Typography>
      <Box component="dd" sx={{ m: 0 }}>
        {children ?? <Typography color="text.secondary">—</Typography>}
      </Box>
    </Grid>
  );
}

/** Where the descriptor lives, as a browsable URL, when the catalog recorded one. */
function sourceUrl(entity: Entity): string | undefined {
  const annotations = entity.metadata.annotations ?? {};
  const raw = annotations[ANNOTATION_VIEW_URL] ?? annotations[ANNOTATION_SOURCE_LOCATION];
  return raw?.replace(/^url:/, '');
}

/** The About card: description, owner, system, domain, type, lifecycle, tags and links. */
export function AboutCard() {
  const { entity } = useEntity();
  const spec = entity.spec ?? {};
  const namespace = entity.metadata.namespace ?? DEFAULT_NAMESPACE;
  const owner = text(spec.owner);
  const system = text(spec.system);
  // A component's domain is its system's: look it up when the entity names none itself.
  const catalogApi = useApi(catalogApiRef);
  const systemDomain = useAsync(async () => {
    if (text(spec.domain) || !system) return undefined;
    const found = await catalogApi.getEntityByRef(parseEntityRef(system, { defaultKind: 'system', defaultNamespace: namespace }));
    return text(found?.spec?.domain);
  }, [catalogApi, system, namespace]);
  const domain = text(spec.domain) ?? systemDomain.value;
  const source = sourceUrl(entity);
  return (
    <InfoCard title="About">
      <Typography sx={{ mb: 2 }}>{entity.metadata.description ?? 'No description.'}</Typography>
      <Grid container spacing={2} component="dl" sx={{ m: 0 }}>
        <Field label="Owner">
          {owner ? <EntityRefLink entityRef={owner} defaultKind="group" defaultNamespace={namespace} /> : undefined}
        </Field>
        <Field label="System">
          {system ? <EntityRefLink entityRef={system} defaultKind="system" defaultNamespace={namespace} /> : undefined}
        </Field>
        <Field label="Domain">
          {domain ? <EntityRefLink entityRef={domain} defaultKind="domain" defaultNamespace={namespace} /> : undefined}
        </Field>
        <Field label="Type">{text(spec.type)}</Field>
        <Field label="Lifecycle">{text(spec.lifecycle)}</Field>
        <Field label="Tags">
          {entity.metadata.tags?.length
            ? entity.metadata.tags.map(tag => <Chip key={tag} label={tag} size="small" sx={{ mr: 0.5 }} />)
            : undefined}
        </Field>
      </Grid>
      {entity.metadata.links?.length || source ? (
        <Box component="nav" aria-label="Links" sx={{ mt: 2 }}>
          <Typography variant="subtitle2" component="h3">
            Links
          </Typography>
          <Box component="ul" sx={{ m: 0, pl: 2 }}>
            {(entity.metadata.links ?? []).map(link => (
              <li key={link.url}>
                <SafeLink url={link.url} external>
                  {link.title ?? link.url}
                </SafeLink>
              </li>
            ))}
            {source && /^https?:/.test(source) ? (
              <li>
                <SafeLink url={source} external>
                  View source
                </SafeLink>
              </li>
            ) : null}
          </Box>
        </Box>
      ) : null}
    </InfoCard>
  );
}

export default AboutCard;
