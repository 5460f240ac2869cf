import { Box } from '@mui/material';
import Form from '@rjsf/mui';
import type { IChangeEvent } from '@rjsf/core';
import type { RegistryFieldsType, RJSFSchema, RJSFValidationError, TemplatesType, UiSchema } from '@rjsf/utils';
import type { JsonObject } from '@portico/plugin-scaffolder-common';
import { useMemo, type ReactNode } from 'react';
import { EntityPickerField, OwnerPickerField } from './EntityPickerField';
import { extractUiSchema } from './extractUiSchema';
import { FieldErrorTemplate } from './FieldErrorTemplate';
import { humanizeErrors } from './humanErrors';
import { schemaValidator } from './validator';

const fields: RegistryFieldsType = {
  EntityPicker: EntityPickerField,
  OwnerPicker: OwnerPickerField,
};
const templates: Partial<TemplatesType> = { FieldErrorTemplate };

export interface SchemaFormProps {
  /** A JSON Schema object, with Backstage-style `ui:*` keys inline. */
  schema: JsonObject;
  formData: JsonObject;
  onChange?(values: JsonObject): void;
  /** Called with the values once they pass the schema. */
  onSubmit(values: JsonObject): void;
  disabled?: boolean;
  /** The form's buttons; one of them should be `type="submit"`. */
  children: ReactNode;
  /** The accessible name of the form. */
  label: string;
  /** Prefix of the field ids; needed when a page shows several forms. Default `root`. */
  idPrefix?: string;
  /** The page already shows the schema's own title and description as its heading: the form leaves them out. */
  hideSchemaTitle?: boolean;
}

/**
 * A form rendered from JSON Schema (rjsf with the MUI theme), with the catalog entity pickers; its errors are
 * sentences naming the field (humanizeErrors), each said once under its field.
 */
export function SchemaForm({ schema, formData, onChange, onSubmit, disabled, children, label, idPrefix, hideSchemaTitle }: SchemaFormProps) {
  const split = useMemo(() => extractUiSchema(schema), [schema]);
  const uiSchema = useMemo(() => {
    const ui = split.uiSchema as UiSchema;
    // `label: false` on the root object: rjsf then draws neither its title nor its description
    return hideSchemaTitle ? { ...ui, 'ui:options': { ...(ui['ui:options'] ?? {}), label: false } } : ui;
  }, [split, hideSchemaTitle]);
  const transformErrors = useMemo(
    () => (errors: RJSFValidationError[]) => humanizeErrors(errors, split.schema as RJSFSchema, uiSchema),
    [split, uiSchema],
  );
  return (
    <Box component="section" aria-label={label}>
    <Form
      schema={split.schema as RJSFSchema}
      uiSchema={uiSchema}
      formData={formData}
      validator={schemaValidator}
      transformErrors={transformErrors}
      fields={fields}
      templates={templates}
      disabled={disabled}
      noHtml5Validate
      showErrorList={false}
      idPrefix={idPrefix}
      onChange={(event: IChangeEvent) => onChange?.((event.formData ?? {}) as JsonObject)}
      onSubmit={(event: IChangeEvent) => onSubmit((event.formData ?? {}) as JsonObject)}
    >
      {children}
    </Form>
    </Box>
  );
}

export default SchemaForm;
