import { Suspense, useEffect, useState, type ReactNode } from 'react';
import {
  AppBar,
  Box,
  Drawer,
  IconButton,
  Link,
  List,
  ListItem,
  ListItemButton,
  ListItemIcon,
  ListItemText,
  Toolbar,
  Tooltip,
  Typography,
  useMediaQuery,
  useTheme,
} from '@mui/material';
import MenuIcon from '@mui/icons-material/Menu';
import DarkModeIcon from '@mui/icons-material/DarkMode';
import LightModeIcon from '@mui/icons-material/LightMode';
import HomeIcon from '@mui/icons-material/Home';
import ExtensionIcon from '@mui/icons-material/Extension';
import { configApiRef, useApi, useExtensions } from '@portico/frontend-plugin-api';
import { NavLink, Link as RouterLink, useLocation } from 'react-router';
import { GuestBanner } from '../auth/GuestBanner';
import { UserMenu } from '../auth/UserMenu';
import { useThemeMode } from '../theme/ThemeModeProvider';
import { ErrorBoundary } from './ErrorBoundary';

const DRAWER_WIDTH = 220;

function isActive(pathname: string, path: string): boolean {
  if (path === '/') return pathname === '/';
  return pathname === path || pathname.startsWith(`${path.replace(/\/+$/, '')}/`);
}

/** The navigation: home, then every enabled nav item in app order. */
function Navigation() {
  const navItems = useExtensions('nav-item');
  const { pathname } = useLocation();
  const items = [
    { id: 'home', title: 'Home', path: '/', Icon: HomeIcon },
    ...navItems.map(item => ({ id: item.id, title: item.data.title, path: item.data.path, Icon: item.data.icon ?? ExtensionIcon })),
  ];
  return (
    <Box component="nav" aria-label="Main navigation">
      <List>
        {items.map(({ id, title, path, Icon }) => {
          const active = isActive(pathname, path);
          return (
            <ListItem key={id} disablePadding>
              <ListItemButton component={NavLink} to={path} selected={active} aria-current={active ? 'page' : undefined}>
                <ListItemIcon sx={{ minWidth: 36 }}>
                  <Icon />
                </ListItemIcon>
                <ListItemText primary={title} />
              </ListItemButton>
            </ListItem>
          );
        })}
      </List>
    </Box>
  );
}

function ThemeToggle() {
  const { mode, toggle } = useThemeMode();
  const label = mode === 'light' ? 'Switch to dark theme' : 'Switch to light theme';
  return (
    <Tooltip title={label}>
      <IconButton color="inherit" onClick={toggle} aria-label={label}>
        {mode === 'light' ? <DarkModeIcon /> : <LightModeIcon />}
      </IconButton>
    </Tooltip>
  );
}

/** The top bar's search slot: the first enabled header-search extension (the catalog's search box). */
function HeaderSearch() {
  const [search] = useExtensions('header-search');
  if (!search) return null;
  return (
    <ErrorBoundary name="Search">
      <Suspense fallback={null}>
        <search.data.Component />
      </Suspense>
    </ErrorBoundary>
  );
}

/**
 * The frame around every page: top bar (title, search, theme, user menu), side navigation (permanent on
 * wide screens, a menu on narrow ones), the guest-mode banner, main content.
 */
export function AppShell(props: { children?: ReactNode }) {
  const title = useApi(configApiRef).getOptionalString('app.title') ?? 'Portico';
  const theme = useTheme();
  const narrow = useMediaQuery(theme.breakpoints.down('md'), { noSsr: true });
  const [menuOpen, setMenuOpen] = useState(false);
  const { pathname } = useLocation();
  useEffect(() => setMenuOpen(false), [pathname]);
  return (
    <Box sx={{ display: 'flex', minHeight: '100vh' }}>
      <Link
        href="#main-content"
        sx={{
          position: 'absolute',
          left: -9999,
          zIndex: theme => theme.zIndex.tooltip,
          '&:focus': { left: 8, top: 8, p: 1, bgcolor: 'background.paper' },
        }}
      >
        Skip to content
      </Link>
      <AppBar position="fixed" sx={{ zIndex: theme => theme.zIndex.drawer + 1 }} component="header">
        <Toolbar sx={{ gap: 2 }}>
          {narrow && (
            <IconButton
              color="inherit"
              edge="start"
              aria-label="Open navigation"
              aria-expanded={menuOpen}
              aria-controls="main-navigation-drawer"
              onClick={() => setMenuOpen(true)}
            >
              <MenuIcon />
            </IconButton>
          )}
          <Typography
            variant="h6"
            component={RouterLink}
            to="/"
            sx={{ color: 'inherit', textDecoration: 'none', whiteSpace: 'nowrap' }}
          >
            {title}
          </Typography>
          <Box sx={{ flexGrow: 1, display: 'flex', justifyContent: 'center' }} role="search" aria-label="Site search">
            <HeaderSearch />
          </Box>
          <ThemeToggle />
          <UserMenu />
        </Toolbar>
      </AppBar>
      <Drawer
        id="main-navigation-drawer"
        variant={narrow ? 'temporary' : 'permanent'}
        open={narrow ? menuOpen : true}
        onClose={() => setMenuOpen(false)}
        sx={{
          width: narrow ? 0 : DRAWER_WIDTH,
          flexShrink: 0,
          '& .MuiDrawer-paper': { width: DRAWER_WIDTH, boxSizing: 'border-box' },
        }}
      >
        <Toolbar />
        <Navigation />
      </Drawer>
      <Box component="main" id="main-content" tabIndex={-1} sx={{ flexGrow: 1, minWidth: 0, outline: 'none' }}>
        <Toolbar />
        <GuestBanner />
        {props.children}
      </Box>
    </Box>
  );
}
