import { memo } from 'react';
import { Autocomplete, Box, Button, Stack, TextField, Typography } from '@mui/material';
import { catalogFacetFilters, type CatalogFacetKey, type CatalogFilterState } from '../../filters/catalogFilterState';
import { humanizeEntityRef } from '@portico/plugin-catalog-react';
import type { FacetChoices } from './useFacets';

export interface CatalogFiltersProps {
  state: CatalogFilterState;
  facets: FacetChoices;
  onChange(key: CatalogFacetKey, values: string[]): void;
  onClear(): void;
}

function optionLabel(key: CatalogFacetKey, value: string): string {
  return key === 'owner' ? humanizeEntityRef(value, { defaultKind: 'group' }) : value;
}

const sameValue = (a: string, b: string) => a.toLocaleLowerCase('en-US') === b.toLocaleLowerCase('en-US');

/** One multi-select per facet, each listing the values the catalog has with how many entities carry them. */
export const CatalogFilters = memo(function CatalogFilters({ state, facets, onChange, onClear }: CatalogFiltersProps) {
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
