import { Autocomplete, Box, TextField, Typography } from '@mui/material';
import { stringifyEntityRef, type Entity } from '@portico/catalog-model';
import { useApi } from '@portico/frontend-plugin-api';
import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import { catalogApiRef } from '../../apis';
import { useDebouncedValue } from '../../hooks/useDebouncedValue';
import { entityRoute } from '../shared/entityRoutes';

const MIN_CHARS = 2;

/**
 * The header's entity search: suggestions by name, title, description and tags as you type (debounced),
 * arrow keys to move, Enter to open; Enter on free text opens the catalog searched for it.
 */
export function SearchBox({ debounceMs = 250 }: { debounceMs?: number }) {
  const catalogApi = useApi(catalogApiRef);
  const navigate = useNavigate();
  const [input, setInput] = useState('');
  const term = useDebouncedValue(input.trim(), debounceMs);
  const [options, setOptions] = useState<Entity[]>([]);
  const [loading, setLoading] = useState(false);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    if (term.length < MIN_CHARS) {
      setOptions([]);
      return;
    }
    let current = true;
    setLoading(true);
    setFailed(false);
    catalogApi
      .searchEntities({ term, limit: 10 })
      .then(
        res => current && setOptions(res.items.map(item => item.entity)),
        () => {
          if (!current) return;
          setOptions([]);
          setFailed(true);
        },
      )
      .finally(() => current && setLoading(false));
    return () => {
      current = false;
    };
  }, [catalogApi, term]);

  const waiting = input.trim() !== term || loading;
  return (
    <Autocomplete<Entity, false, false, true>
      freeSolo
      size="small"
      sx={{ width: { xs: 200, sm: 320 } }}
      options={options}
      filterOptions={x => x}
      loading={waiting && input.trim().length >= MIN_CHARS}
      loadingText="Searching…"
      noOptionsText={failed ? 'Search failed' : 'No matching entities'}
      getOptionLabel={option => (typeof option === 'string' ? option : option.metadata.title ?? option.metadata.name)}
      getOptionKey={option => (typeof option === 'string' ? option : stringifyEntityRef(option))}
      inputValue={input}
      onInputChange={(_event, value, reason) => {
        if (reason !== 'reset') setInput(value);
      }}
      value={null}
      onChange={(_event, value) => {
        if (!value) return;
        setInput('');
        setOptions([]);
        if (typeof value === 'string') {
          if (value.trim()) navigate(`/catalog?q=${encodeURIComponent(value.trim())}`);
          return;
        }
        const to = entityRoute(value);
        if (to) navigate(to);
      }}
      renderOption={(props, option) => {
        const { key, ...rest } = props as typeof props & { key: string };
        return (
          <Box component="li" key={key} {...rest} sx={{ display: 'block !important' }}>
            <Typography variant="body2" component="span" sx={{ fontWeight: 500 }}>
              {option.metadata.title ?? option.metadata.name}
            </Typography>{' '}
            <Typography variant="caption" component="span" color="text.secondary">
              {option.kind}
              {typeof option.spec?.type === 'string' ? ` · ${option.spec.type}` : ''}
            </Typography>
            {option.metadata.description ? (
              <Typography variant="caption" component="div" color="text.secondary" noWrap>
                {option.metadata.description}
              </Typography>
            ) : null}
          </Box>
        );
      }}
      renderInput={params => <TextField {...params} label="Search entities" placeholder="Name, title, tag…" />}
    />
  );
}

export default SearchBox;
