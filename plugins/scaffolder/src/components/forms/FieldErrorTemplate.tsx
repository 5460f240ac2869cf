import { Templates } from '@rjsf/mui';
import type { FieldErrorProps } from '@rjsf/utils';
import { getUiOptions } from '@rjsf/utils';

const MuiFieldErrorTemplate = Templates.FieldErrorTemplate!;

/**
 * rjsf-mui's error list under a field, without an error that only repeats the field's `ui:help`: the help text is
 * already under the field (in the error colour while the field is in error), so it is said once.
 */
export function FieldErrorTemplate(props: FieldErrorProps) {
  const help = getUiOptions(props.uiSchema).help;
  const errors = (props.errors ?? []).filter(error => !(typeof help === 'string' && error === help));
  return <MuiFieldErrorTemplate {...props} errors={errors} />;
}
