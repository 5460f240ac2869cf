import { useState } from 'react';
import { Alert, Button, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle } from '@mui/material';
import { stringifyEntityRef, type Entity } from '@portico/catalog-model';
import { PermissionButton } from '@portico/core-components';
import { alertApiRef, useApi } from '@portico/frontend-plugin-api';
import { catalogEntityDeletePermission } from '@portico/plugin-catalog-common';
import { catalogApiRef } from '@portico/plugin-catalog-react';
import { useNavigate } from 'react-router';

/** Removes the entity from the catalog after a confirmation; disabled, saying why, for whoever may not. */
export function UnregisterEntityButton({ entity }: { entity: Entity }) {
  const catalogApi = useApi(catalogApiRef);
  const alertApi = useApi(alertApiRef);
  const navigate = useNavigate();
  const entityRef = stringifyEntityRef(entity);
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const uid = entity.metadata.uid;

  const unregister = async () => {
    if (!uid) return;
    setBusy(true);
    setError(undefined);
    try {
      await catalogApi.removeEntityByUid(uid);
      alertApi.post({ message: `${entityRef} was unregistered`, severity: 'success', display: 'transient' });
      void navigate('/catalog');
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      setBusy(false);
    }
  };

  return (
    <>
      <PermissionButton
        permission={catalogEntityDeletePermission}
        resourceRef={entityRef}
        color="error"
        variant="outlined"
        disabled={!uid}
        onClick={() => setOpen(true)}
      >
        Unregister
      </PermissionButton>
      <Dialog open={open} onClose={() => !busy && setOpen(false)} aria-labelledby="unregister-title">
        <DialogTitle id="unregister-title">Unregister {entityRef}?</DialogTitle>
        <DialogContent>
          <DialogContentText>
            The catalog forgets this entity. If the location it was read from is still registered, the next refresh adds it
            again: remove it from its source too.
          </DialogContentText>
          {error && (
            <Alert severity="error" sx={{ mt: 2 }}>
              {error}
            </Alert>
          )}
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setOpen(false)} disabled={busy}>
            Cancel
          </Button>
          <Button color="error" variant="contained" onClick={() => void unregister()} disabled={busy}>
            Unregister
          </Button>
        </DialogActions>
      </Dialog>
    </>
  );
}
