import { ListItemIcon, MenuItem } from '@mui/material';
import AdminPanelSettingsIcon from '@mui/icons-material/AdminPanelSettings';
import { Link as RouterLink } from 'react-router';
import { useAllowedAdminPages } from './adminPages';

/** The user menu's link to Administration, shown only to whoever may open one of its pages. */
export function AdministrationMenuItem(props: { onClick: () => void }) {
  const { pages } = useAllowedAdminPages();
  if (!pages.length) return null;
  return (
    <MenuItem component={RouterLink} to={pages[0].path} onClick={props.onClick}>
      <ListItemIcon>
        <AdminPanelSettingsIcon fontSize="small" />
      </ListItemIcon>
      Administration
    </MenuItem>
  );
}
