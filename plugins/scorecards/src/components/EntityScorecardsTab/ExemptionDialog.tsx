import { Alert, Button, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle, TextField } from '@mui/material';
import { useState, type FormEvent } from 'react';

/** The default expiry: 30 days from today, as `YYYY-MM-DD`. */
export function defaultExpiry(now = new Date()): string {
  return new Date(now.getTime() + 30 * 24 * 3600 * 1000).toISOString().slice(0, 10);
}

/** Asks for a reason and an expiry date, then calls `onSubmit`; shows the error when that fails. */
export function ExemptionDialog(props: {
  open: boolean;
  ruleTitle: string;
  onClose(): void;
  onSubmit(request: { reason: string; expiresAt: string }): Promise<void>;
}) {
  const [reason, setReason] = useState('');
  const [expiry, setExpiry] = useState(defaultExpiry);
  const [error, setError] = useState<Error>();
  const [submitting, setSubmitting] = useState(false);
  const today = new Date().toISOString().slice(0, 10);
  const expiryInvalid = !/^\d{4}-\d{2}-\d{2}$/.test(expiry) || expiry <= today;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!reason.trim() || expiryInvalid) return;
    setSubmitting(true);
    setError(undefined);
    try {
      // The exemption lasts through the chosen day.
      await props.onSubmit({ reason: reason.trim(), expiresAt: new Date(`${expiry}T23:59:59.000Z`).toISOString() });
      setReason('');
    } catch (e) {
      setError(e instanceof Error ? e : new Error(String(e)));
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <Dialog open={props.open} onClose={props.onClose} aria-labelledby="exemption-dialog-title" fullWidth maxWidth="sm">
      <form onSubmit={submit} noValidate>
        <DialogTitle id="exemption-dialog-title">Request an exemption</DialogTitle>
        <DialogContent>
          <DialogContentText sx={{ mb: 2 }}>
            While approved, “{props.ruleTitle}” counts as passing. The scorecard’s owner decides.
          </DialogContentText>
          {error ? (
            <Alert severity="error" sx={{ mb: 2 }}>
              {error.message}
            </Alert>
          ) : null}
          <TextField
            label="Reason"
            required
            fullWidth
            multiline
            minRows={3}
            value={reason}
            onChange={event => setReason(event.target.value)}
            sx={{ mb: 2 }}
            autoFocus
          />
          <TextField
            label="Expires on"
            type="date"
            required
            fullWidth
            value={expiry}
            onChange={event => setExpiry(event.target.value)}
            error={expiryInvalid}
            helperText={expiryInvalid ? 'Pick a date after today' : 'The exemption stops counting after this day'}
            slotProps={{ inputLabel: { shrink: true }, htmlInput: { min: today } }}
          />
        </DialogContent>
        <DialogActions>
          <Button onClick={props.onClose}>Cancel</Button>
          <Button type="submit" variant="contained" disabled={submitting || !reason.trim() || expiryInvalid}>
            Submit request
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
