import { Alert, Button, Dialog, DialogActions, DialogContent, DialogTitle, MenuItem, Stack, TextField } from '@mui/material';
import { useState } from 'react';
import type { PagerDutyTriggerIncidentRequest } from '@portico/plugin-pagerduty-common';

/** What a person fills in to trigger an incident on a service. */
export type TriggerIncidentRequest = PagerDutyTriggerIncidentRequest;

/**
 * Confirms an incident before it pages someone: a title (required, not blank), the urgency and a description.
 * `onConfirm` sends it; its error stays in the dialog so nothing typed is lost.
 */
export function TriggerIncidentDialog(props: { open: boolean; serviceName: string; onClose: () => void; onConfirm: (request: TriggerIncidentRequest) => Promise<void> }) {
  const [title, setTitle] = useState('');
  const [urgency, setUrgency] = useState<'high' | 'low'>('high');
  const [description, setDescription] = useState('');
  const [touched, setTouched] = useState(false);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string>();
  const titleError = touched && !title.trim() ? 'A title is required' : undefined;

  async function confirm() {
    setTouched(true);
    if (!title.trim()) return;
    setSending(true);
    setError(undefined);
    try {
      await props.onConfirm({ title: title.trim(), urgency, description: description.trim() });
      props.onClose();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setSending(false);
    }
  }

  return (
    <Dialog open={props.open} onClose={props.onClose} aria-labelledby="pagerduty-trigger-title" fullWidth maxWidth="sm">
      <DialogTitle id="pagerduty-trigger-title">Trigger an incident on {props.serviceName}</DialogTitle>
      <DialogContent>
        <Stack spacing={2} sx={{ pt: 1 }}>
          <TextField
            label="Title"
            required
            value={title}
            onChange={e => setTitle(e.target.value)}
            onBlur={() => setTouched(true)}
            error={Boolean(titleError)}
            helperText={titleError ?? 'What is broken, as the person paged will read it'}
          />
          <TextField select label="Urgency" value={urgency} onChange={e => setUrgency(e.target.value as 'high' | 'low')} helperText="High urgency pages now; low urgency follows the service's rules">
            <MenuItem value="high">High</MenuItem>
            <MenuItem value="low">Low</MenuItem>
          </TextField>
          <TextField label="Description" multiline minRows={3} value={description} onChange={e => setDescription(e.target.value)} />
          {error && <Alert severity="error">{error}</Alert>}
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose}>Cancel</Button>
        <Button variant="contained" color="error" onClick={confirm} disabled={sending}>
          Trigger incident
        </Button>
      </DialogActions>
    </Dialog>
  );
}
