import { Alert, AlertTitle, Box, Button, Paper, Stack, Step, StepLabel, Stepper, Typography } from '@mui/material';
import { useApi } from '@portico/frontend-plugin-api';
import type { JsonObject, MissingTemplateAction, TemplateParameterSchema } from '@portico/plugin-scaffolder-common';
import { useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { scaffolderApiRef } from '../../api/ScaffolderApi';
import { SchemaForm } from '../forms/SchemaForm';
import { ScaffolderHeader } from '../shared/ScaffolderNav';
import { ErrorPanel, Progress } from '@portico/core-components';
import { useAsync } from '@portico/core-components';
import { ReviewStep } from './ReviewStep';

function Wizard({ templateRef, parameters }: { templateRef: string; parameters: TemplateParameterSchema }) {
  const scaffolderApi = useApi(scaffolderApiRef);
  const navigate = useNavigate();
  const [active, setActive] = useState(0);
  const [values, setValues] = useState<JsonObject>({});
  const [creating, setCreating] = useState(false);
  const [error, setError] = useState<Error>();
  const pages = parameters.steps;
  const reviewIndex = pages.length;

  const create = async () => {
    setCreating(true);
    setError(undefined);
    try {
      const { taskId } = await scaffolderApi.scaffold({ templateRef, values });
      navigate(`/create/tasks/${encodeURIComponent(taskId)}`);
    } catch (e) {
      setError(e instanceof Error ? e : new Error(String(e)));
      setCreating(false);
    }
  };

  const page = pages[active];
  return (
    <>
      <Stepper activeStep={active} alternativeLabel sx={{ mb: 3 }}>
        {pages.map((p, i) => (
          <Step key={i}>
            <StepLabel>{p.title}</StepLabel>
          </Step>
        ))}
        <Step>
          <StepLabel>Review</StepLabel>
        </Step>
      </Stepper>
      <Paper variant="outlined" sx={{ p: 3 }}>
        {page ? (
          <>
            <Typography variant="h5" component="h2">
              {page.title}
            </Typography>
            {page.description ? <Typography color="text.secondary">{page.description}</Typography> : null}
            <SchemaForm
              key={active}
              label={page.title}
              hideSchemaTitle
              schema={page.schema}
              formData={values}
              onChange={v => setValues(prev => ({ ...prev, ...v }))}
              onSubmit={v => {
                setValues(prev => ({ ...prev, ...v }));
                setActive(a => a + 1);
              }}
            >
              <Stack direction="row" spacing={1} sx={{ mt: 2 }}>
                <Button disabled={active === 0} onClick={() => setActive(a => a - 1)}>
                  Back
                </Button>
                <Button type="submit" variant="contained">
                  Next
                </Button>
              </Stack>
            </SchemaForm>
          </>
        ) : (
          <section aria-labelledby="review-heading">
            <Typography variant="h5" component="h2" id="review-heading" sx={{ mb: 2 }}>
              Review
            </Typography>
            <ReviewStep parameters={parameters} values={values} />
            {error ? (
              <Box sx={{ mt: 2 }}>
                <ErrorPanel title="Could not start the run" error={error} />
              </Box>
            ) : null}
            <Stack direction="row" spacing={1} sx={{ mt: 2 }}>
              <Button disabled={reviewIndex === 0 || creating} onClick={() => setActive(a => a - 1)}>
                Back
              </Button>
              <Button variant="contained" onClick={create} disabled={creating}>
                {creating ? 'Creating…' : 'Create'}
              </Button>
            </Stack>
          </section>
        )}
      </Paper>
    </>
  );
}

function stepLabel(m: MissingTemplateAction): string {
  return m.stepName ? `'${m.stepName}'` : `'${m.stepId}'`;
}

/**
 * A template whose actions this portal lacks: unavailable, with the plugin each comes from, when a required step
 * needs one; otherwise the form, with a note that the optional steps needing one cannot be chosen.
 */
function TemplateAvailability({ templateRef, parameters }: { templateRef: string; parameters: TemplateParameterSchema }) {
  const missing = parameters.missingActions ?? [];
  const required = missing.filter(m => !m.optional);
  const optional = missing.filter(m => m.optional);
  if (required.length) {
    return (
      <Alert severity="warning" role="alert" aria-label="Template unavailable">
        <AlertTitle>This template is unavailable on this portal</AlertTitle>
        <Stack component="ul" spacing={0.5} sx={{ m: 0, pl: 2 }}>
          {required.map(m => (
            <li key={m.stepId}>
              Step {stepLabel(m)} needs {m.reason.replace(/^Action /, 'action ')}.
            </li>
          ))}
        </Stack>
      </Alert>
    );
  }
  return (
    <>
      {optional.length ? (
        <Alert severity="info" sx={{ mb: 2 }} aria-label="Optional steps unavailable">
          <AlertTitle>Some optional steps are unavailable</AlertTitle>
          <Stack component="ul" spacing={0.5} sx={{ m: 0, pl: 2 }}>
            {optional.map(m => (
              <li key={m.stepId}>
                Step {stepLabel(m)} cannot run: {m.reason.replace(/^Action /, 'action ')}. Leave it unchosen.
              </li>
            ))}
          </Stack>
        </Alert>
      ) : null}
      <Wizard templateRef={templateRef} parameters={parameters} />
    </>
  );
}

/** `/create/templates/:namespace/:name`: the template's parameter pages, a review, then the run starts. */
export function WizardPage() {
  const { namespace = 'default', name = '' } = useParams();
  const templateRef = `template:${namespace}/${name}`;
  const scaffolderApi = useApi(scaffolderApiRef);
  const parameters = useAsync(() => scaffolderApi.getTemplateParameterSchema(templateRef), [scaffolderApi, templateRef]);
  return (
    <Box component="main" sx={{ p: 3 }}>
      <ScaffolderHeader
        title={parameters.value?.title ?? 'Create from template'}
        subtitle={parameters.value?.description}
      />
      {parameters.loading && !parameters.value ? (
        <Progress label="Loading the template" />
      ) : parameters.error ? (
        <ErrorPanel title="Could not load the template" error={parameters.error} onRetry={parameters.retry} />
      ) : parameters.value ? (
        <TemplateAvailability key={templateRef} templateRef={templateRef} parameters={parameters.value} />
      ) : null}
    </Box>
  );
}

export default WizardPage;
