import { Autocomplete, CircularProgress, TextField } from '@mui/material';
import { stringifyEntityRef, type Entity } from '@portico/catalog-model';
import { useApi } from '@portico/frontend-plugin-api';
import { catalogApiRef, humanizeEntityRef } from '@portico/plugin-catalog-react';
import type { EntityFilterQuery } from '@portico/plugin-catalog-common';
import type { FieldProps } from '@rjsf/utils';
import { useMemo } from 'react';
import { useAsync } from '@portico/core-components';

/** `ui:options` of Backstage's EntityPicker and OwnerPicker that we honour. */
export interface EntityPickerOptions {
  allowedKinds?: string[];
  catalogFilter?: EntityFilterQuery;
  defaultKind?: string;
  defaultNamespace?: string;
  /** Accept a ref typed by hand that is not in the list (default true, as in Backstage). */
  allowArbitraryValues?: boolean;
}

function pickerOptions(uiSchema: FieldProps<string>['uiSchema'], defaults: EntityPickerOptions): EntityPickerOptions {
  const options = (uiSchema?.['ui:options'] ?? {}) as EntityPickerOptions;
  return { ...defaults, ...options };
}

function filterFor(options: EntityPickerOptions): EntityFilterQuery | undefined {
  if (options.catalogFilter) return options.catalogFilter;
  if (options.allowedKinds?.length) return { kind: options.allowedKinds.map(k => k.toLocaleLowerCase('en-US')) };
  return undefined;
}

function EntityPicker(props: FieldProps<string>, defaults: EntityPickerOptions) {
  const { schema, uiSchema, formData, onChange, fieldPathId, required, disabled, readonly, rawErrors, name } = props;
  const catalogApi = useApi(catalogApiRef);
  const options = pickerOptions(uiSchema, defaults);
  const filterKey = JSON.stringify(filterFor(options) ?? null);
  const entities = useAsync(
    () => catalogApi.getEntities({ filter: filterFor(options), fields: ['kind', 'metadata.name', 'metadata.namespace', 'metadata.title'] }).then(r => r.items),
    [catalogApi, filterKey],
  );
  const refs = useMemo(() => (entities.value ?? []).map(e => stringifyEntityRef(e)), [entities.value]);
  const byRef = useMemo(() => new Map((entities.value ?? []).map(e => [stringifyEntityRef(e), e] as [string, Entity])), [entities.value]);
  const label = (typeof schema.title === 'string' && schema.title) || name;
  const labelOf = (ref: string) => {
    const entity = byRef.get(ref);
    // a ref typed by hand reads as typed (reformatting it would move the caret and change what is typed)
    if (!entity) return ref;
    const short = humanizeEntityRef(ref, { defaultKind: options.defaultKind, defaultNamespace: options.defaultNamespace });
    return entity.metadata.title ? `${entity.metadata.title} (${short})` : short;
  };
  const freeSolo = options.allowArbitraryValues !== false;
  const errors = rawErrors?.filter(Boolean) ?? [];
  return (
    <Autocomplete<string, false, false, boolean>
      id={fieldPathId.$id}
      options={refs}
      value={formData ?? null}
      freeSolo={freeSolo}
      disabled={disabled || readonly}
      loading={entities.loading}
      getOptionLabel={labelOf}
      onChange={(_event, value) => onChange(value ?? undefined, fieldPathId.path)}
      // a ref typed by hand counts as soon as it is typed (only when arbitrary values are allowed)
      onInputChange={(_event, text, reason) => {
        if (freeSolo && reason === 'input') onChange(text || undefined, fieldPathId.path);
      }}
      renderInput={params => (
        <TextField
          {...params}
          label={label}
          required={required}
          error={errors.length > 0}
          // the errors themselves are listed under the field by rjsf's field template; saying them here too doubled them
          helperText={entities.error ? `Could not load entities: ${entities.error.message}` : schema.description}
          slotProps={{
            ...params.slotProps,
            input: {
              ...params.slotProps.input,
              endAdornment: (
                <>
                  {entities.loading ? <CircularProgress size={18} aria-label={`Loading ${label} options`} /> : null}
                  {params.slotProps.input.endAdornment}
                </>
              ),
            },
          }}
        />
      )}
    />
  );
}

/** `ui:field: EntityPicker`: picks any catalog entity (narrowed by `allowedKinds` or `catalogFilter`). */
export function EntityPickerField(props: FieldProps<string>) {
  return EntityPicker(props, {});
}

/** `ui:field: OwnerPicker`: picks a group or user. */
export function OwnerPickerField(props: FieldProps<string>) {
  return EntityPicker(props, { allowedKinds: ['Group', 'User'], defaultKind: 'Group' });
}
