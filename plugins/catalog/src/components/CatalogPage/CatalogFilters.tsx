import { memo } from 'react';
import { Autocomplete, Box, Button, Stack, TextField, ToggleButton, ToggleButtonGroup, Typography } from '@mui/material';
import {
  catalogFacetFilters,
  type CatalogFacetKey,
  type CatalogFilterState,
  type OwnedView,
} from '../../filters/catalogFilterState';
import { humanizeEntityRef } from '@portico/plugin-catalog-react';
import type { FacetChoices } from './useFacets';

export interface CatalogFiltersProps {
  state: CatalogFilterState;
  /** "Owned by me" or "All", as resolved for the signed-in user (undefined while it is not known yet). */
  owned?: OwnedView;
  onOwnedChange(owned: OwnedView): void;
  facets: FacetChoices;
  onChange(key: CatalogFacetKey, values: string[]): void;
  onClear(): void;
}

function optionLabel(key: CatalogFacetKey, value: string): string {
  return key === 'owner' ? humanizeEntityRef(value, { defaultKind: 'group' }) : value;
}

const sameValue = (a: string, b: string) => a.toLocaleLowerCase('en-US') === b.toLocaleLowerCase('en-US');

/** "Owned by me" or "All", then one multi-select per facet, each listing the values the catalog has with how many entities carry them. */
export const CatalogFilters = memo(function CatalogFilters({ state, owned, onOwnedChange, facets, onChange, onClear }: CatalogFiltersProps) {
  const active = catalogFacetFilters.some(f => state[f.key].length > 0);
  return (
    <Stack component="section" aria-label="Filters" spacing={2}>
      <Box sx={{ display: 'flex', alignItems: 'center', justifyContent: 'space-between' }}>
        <Typography variant="h6" component="h2">
          Filters
        </Typography>
        <Button size="small" onClick={onClear} disabled={!active}>
          Clear all
        </Button>
      </Box>
      <ToggleButtonGroup
        exclusive
        fullWidth
        size="small"
        color="primary"
        value={owned ?? null}
        aria-label="Show entities"
        onChange={(_event, value: OwnedView | null) => value && onOwnedChange(value)}
      >
        <ToggleButton value="me">Owned by me</ToggleButton>
        <ToggleButton value="all">All</ToggleButton>
      </ToggleButtonGroup>
      {catalogFacetFilters.map(({ key, label }) => {
        const choices = facets[key] ?? [];
        const counts = new Map(choices.map(c => [c.value.toLocaleLowerCase('en-US'), c.count]));
        const options = [...choices.map(c => c.value)];
        for (const selected of state[key]) {
          if (!options.some(o => sameValue(o, selected))) options.push(selected);
        }
        return (
          <Autocomplete
            key={key}
            multiple
            size="small"
            options={options}
            value={state[key]}
            isOptionEqualToValue={sameValue}
            getOptionLabel={value => optionLabel(key, value)}
            renderOption={(props, value) => {
              const { key: optionKey, ...rest } = props as typeof props & { key: string };
              const count = counts.get(value.toLocaleLowerCase('en-US'));
              return (
                <li key={optionKey} {...rest}>
                  <Box component="span" sx={{ flexGrow: 1 }}>
                    {optionLabel(key, value)}
                  </Box>
                  {count !== undefined ? (
                    <Box component="span" sx={{ color: 'text.secondary', ml: 1 }} aria-label={`${count} entities`}>
                      {count}
                    </Box>
                  ) : null}
                </li>
              );
            }}
            onChange={(_event, values) => onChange(key, values)}
            renderInput={params => <TextField {...params} label={label} />}
          />
        );
      })}
    </Stack>
  );
});
