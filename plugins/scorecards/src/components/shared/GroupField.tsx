import { Autocomplete, Box, TextField, Typography } from '@mui/material';
import { stringifyEntityRef } from '@portico/catalog-model';
import { discoveryApiRef, fetchApiRef, useApi } from '@portico/frontend-plugin-api';
import { CatalogClient } from '@portico/plugin-catalog-common';
import { useAsync } from '@portico/core-components';

interface GroupOption {
  ref: string;
  label: string;
}

/** The catalog's groups, or none when the catalog cannot be reached (the field then takes text only). */
function useCatalogGroups(): GroupOption[] {
  const discoveryApi = useApi(discoveryApiRef);
  const fetchApi = useApi(fetchApiRef);
  const groups = useAsync(async () => {
    const client = new CatalogClient({ discoveryApi, fetchApi });
    const { items } = await client.getEntities({
      filter: { kind: 'group' },
      fields: ['kind', 'metadata.name', 'metadata.namespace', 'metadata.title'],
    });
    return items.map(group => ({ ref: stringifyEntityRef(group), label: group.metadata.title ?? group.metadata.name }));
  }, [discoveryApi, fetchApi]);
  return groups.value ?? [];
}

/**
 * A group: picked from the catalog's groups (through the catalog's -common client) or typed as a ref
 * (`team-a`, `group:default/team-a`) and applied with Enter. Clearing it applies ''.
 */
export function GroupField(props: { label: string; value: string; onChange(groupRef: string): void; helperText?: string }) {
  const { label, value, onChange } = props;
  const options = useCatalogGroups();
  const selected = options.find(o => o.ref === value) ?? (value || null);
  return (
    <Autocomplete<GroupOption, false, false, true>
      freeSolo
      options={options}
      value={selected}
      sx={{ minWidth: 280 }}
      getOptionLabel={option => (typeof option === 'string' ? option : option.label)}
      isOptionEqualToValue={(option, v) => option.ref === (typeof v === 'string' ? v : v.ref)}
      onChange={(_event, next) => onChange(typeof next === 'string' ? next.trim() : (next?.ref ?? ''))}
      renderOption={({ key, ...optionProps }, option) => (
        <Box component="li" key={key} {...optionProps} sx={{ display: 'flex', flexDirection: 'column', alignItems: 'flex-start !important' }}>
          <span>{option.label}</span>
          <Typography variant="caption" color="text.secondary">
            {option.ref}
          </Typography>
        </Box>
      )}
      renderInput={params => (
        <TextField {...params} label={label} size="small" helperText={props.helperText ?? 'Pick a group or type its ref and press Enter'} />
      )}
    />
  );
}
