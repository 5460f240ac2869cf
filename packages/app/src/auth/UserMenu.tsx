import { useState } from 'react';
import { Avatar, Divider, IconButton, ListItemIcon, Menu, MenuItem, Tooltip, Typography } from '@mui/material';
import KeyIcon from '@mui/icons-material/Key';
import LogoutIcon from '@mui/icons-material/Logout';
import { alertApiRef, useApi } from '@portico/frontend-plugin-api';
import { Link as RouterLink, useNavigate } from 'react-router';
import { AdministrationMenuItem } from '../admin/AdministrationMenuItem';
import { useAuth, useSessionState } from './AuthContext';

function initials(name: string): string {
  return name
    .split(/[\s._-]+/)
    .filter(Boolean)
    .slice(0, 2)
    .map(part => part[0]!.toUpperCase())
    .join('');
}

/**
 * The top bar's account button: who is signed in (from the catalog User), personal access tokens,
 * Administration (for whoever may manage roles or read the audit log), sign out.
 */
export function UserMenu() {
  const { session } = useAuth();
  const state = useSessionState();
  const alertApi = useApi(alertApiRef);
  const navigate = useNavigate();
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  if (state.status !== 'signed-in') return null;
  const { userEntityRef, profile } = state.session;
  const name = profile.displayName ?? userEntityRef.replace(/^user:(default\/)?/, '');
  const close = () => setAnchor(null);
  const signOut = async () => {
    close();
    try {
      await session.signOut();
    } catch (error) {
      alertApi.post({ message: `Sign-out failed: ${error instanceof Error ? error.message : String(error)}`, severity: 'error' });
    }
    void navigate('/sign-in', { replace: true });
  };
  return (
    <>
      <Tooltip title={name}>
        <IconButton
          color="inherit"
          onClick={event => setAnchor(event.currentTarget)}
          aria-label={`Account of ${name}`}
          aria-haspopup="menu"
          aria-expanded={anchor ? 'true' : undefined}
          aria-controls={anchor ? 'user-menu' : undefined}
        >
          <Avatar src={profile.picture} alt="" sx={{ width: 32, height: 32, fontSize: 14 }}>
            {initials(name)}
          </Avatar>
        </IconButton>
      </Tooltip>
      <Menu id="user-menu" anchorEl={anchor} open={Boolean(anchor)} onClose={close}>
        <MenuItem disabled sx={{ flexDirection: 'column', alignItems: 'flex-start', '&.Mui-disabled': { opacity: 1 } }}>
          <Typography variant="subtitle2">{name}</Typography>
          <Typography variant="caption" color="text.secondary">
            {profile.email ?? userEntityRef}
          </Typography>
        </MenuItem>
        <Divider />
        <MenuItem component={RouterLink} to="/settings/tokens" onClick={close}>
          <ListItemIcon>
            <KeyIcon fontSize="small" />
          </ListItemIcon>
          Personal access tokens
        </MenuItem>
        <AdministrationMenuItem onClick={close} />
        <MenuItem onClick={() => void signOut()}>
          <ListItemIcon>
            <LogoutIcon fontSize="small" />
          </ListItemIcon>
          Sign out
        </MenuItem>
      </Menu>
    </>
  );
}
