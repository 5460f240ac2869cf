import { Autocomplete, Box, TextField, Typography } from '@mui/material';
import { stringifyEntityRef, type Entity } from '@portico/catalog-model';
import { useApi } from '@portico/frontend-plugin-api';
import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import { catalogApiRef, entityRoute } from '@portico/plugin-catalog-react';
import { useDebouncedValue } from '../../hooks/useDebouncedValue';

const MIN_CHARS = 2;

type Option = { entity: Entity } | { seeAll: string };
const getKey = (option: Option) => ('seeAll' in option ? '*all*' : stringifyEntityRef(option.entity));

/**
 * The header's entity search: suggestions by name, title, description and tags as you type (debounced),
 * arrow keys to move, Enter to open; the last suggestion opens the catalog page searched for the words.
 */
export function SearchBox({ debounceMs = 250 }: { debounceMs?: number }) {
  const catalogApi = useApi(catalogApiRef);
  const navigate = useNavigate();
  const [input, setInput] = useState('');
  const term = useDebouncedValue(input.trim(), debounceMs);
  const [options, setOptions] = useState<Entity[]>([]);
  const [loading, setLoading] = useState(false);
  const [failed, setFailed] = useState(false);
  const [open, setOpen] = useState(false);

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
  const shown: Option[] =
    options.length && term.length >= MIN_CHARS
      ? [...options.map(entity => ({ entity })), { seeAll: term }]
      : [];
  return (
    <Autocomplete<Option, false, false, false>
      size="small"
      sx={{ width: { xs: 200, sm: 320 } }}
      options={shown}
      filterOptions={x => x}
      loading={waiting && input.trim().length >= MIN_CHARS}
      loadingText="Searching…"
      noOptionsText={
        input.trim().length < MIN_CHARS ? 'Type at least two characters' : failed ? 'Search failed' : 'No matching entities'
      }
      open={open && input.trim().length > 0}
      onOpen={() => setOpen(true)}
      onClose={() => setOpen(false)}
      getOptionLabel={option => ('seeAll' in option ? option.seeAll : option.entity.metadata.title ?? option.entity.metadata.name)}
      getOptionKey={option => ('seeAll' in option ? '*all*' : stringifyEntityRef(option.entity))}
      isOptionEqualToValue={(a, b) => getKey(a) === getKey(b)}
      inputValue={input}
      onInputChange={(_event, value, reason) => {
        if (reason === 'input' || reason === 'clear') setInput(value);
      }}
      value={null}
      onChange={(_event, option) => {
        if (!option) return;
        setInput('');
        setOptions([]);
        setOpen(false);
        const to = 'seeAll' in option ? `/catalog?q=${encodeURIComponent(option.seeAll)}` : entityRoute(option.entity);
        if (to) navigate(to);
      }}
      renderOption={(props, option) => {
        const { key, ...rest } = props as typeof props & { key: string };
        if ('seeAll' in option) {
          return (
            <Box component="li" key={key} {...rest} sx={{ fontStyle: 'italic' }}>
              See all results for “{option.seeAll}”
            </Box>
          );
        }
        const entity = option.entity;
        return (
          <Box component="li" key={key} {...rest} sx={{ display: 'block !important' }}>
            <Typography variant="body2" component="span" sx={{ fontWeight: 500 }}>
              {entity.metadata.title ?? entity.metadata.name}
            </Typography>{' '}
            <Typography variant="caption" component="span" color="text.secondary">
              {entity.kind}
              {typeof entity.spec?.type === 'string' ? ` · ${entity.spec.type}` : ''}
            </Typography>
            {entity.metadata.description ? (
              <Typography variant="caption" component="div" color="text.secondary" noWrap>
                {entity.metadata.description}
              </Typography>
            ) : null}
          </Box>
        );
      }}
      renderInput={params => (
        // No floating label: in the app bar it would sit on the bar's colour. The input is named by aria-label.
        <TextField
          {...params}
          placeholder="Search entities…"
          slotProps={{
            ...params.slotProps,
            htmlInput: { ...params.slotProps.htmlInput, 'aria-label': 'Search entities' },
          }}
          sx={{ '& .MuiInputBase-root': { bgcolor: 'background.paper', borderRadius: 1 } }}
        />
      )}
    />
  );
}

export default SearchBox;
