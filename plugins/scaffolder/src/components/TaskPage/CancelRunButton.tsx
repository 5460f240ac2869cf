import { Button, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle } from '@mui/material';
import { useState } from 'react';

export interface CancelRunButtonProps {
  /** Called once the user confirms. */
  onConfirm(): void;
  disabled?: boolean;
}

/** **Cancel run**, behind a dialog that says what cancelling does: a run is not cancelled by a stray click. */
export function CancelRunButton({ onConfirm, disabled }: CancelRunButtonProps) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button variant="outlined" color="error" onClick={() => setOpen(true)} disabled={disabled}>
        Cancel run
      </Button>
      <Dialog open={open} onClose={() => setOpen(false)} aria-labelledby="cancel-run-title" aria-describedby="cancel-run-description">
        <DialogTitle id="cancel-run-title">Cancel this run?</DialogTitle>
        <DialogContent>
          <DialogContentText id="cancel-run-description">
            The step in progress is stopped and the steps after it do not run; what completed steps did is not undone.
            A cancelled run can be retried later.
          </DialogContentText>
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setOpen(false)} autoFocus>
            Keep running
          </Button>
          <Button
            color="error"
            variant="contained"
            onClick={() => {
              setOpen(false);
              onConfirm();
            }}
          >
            Cancel run
          </Button>
        </DialogActions>
      </Dialog>
    </>
  );
}
