import { Box, Tab, Tabs, Typography } from '@mui/material';
import { Link as RouterLink, Route, Routes, useLocation } from 'react-router';
import { ExemptionsPage } from './ExemptionsPage/ExemptionsPage';
import { InitiativesPage } from './InitiativesPage/InitiativesPage';
import { NotificationsPage } from './NotificationsPage/NotificationsPage';
import { ScorecardPage } from './ScorecardPage/ScorecardPage';
import { ScorecardsPage } from './ScorecardsPage/ScorecardsPage';
import { TeamPage } from './TeamPage/TeamPage';
import { SCORECARDS_ROOT } from './shared/routes';

const SECTIONS = [
  { path: '', label: 'Scorecards' },
  { path: 'team', label: 'My team' },
  { path: 'initiatives', label: 'Initiatives' },
  { path: 'exemptions', label: 'Exemptions' },
  { path: 'notifications', label: 'Notifications' },
];

/** `/scorecards/*`: the plugin's views under one heading, with a tab per view. */
export function ScorecardsRoot() {
  const { pathname } = useLocation();
  const rest = pathname.slice(SCORECARDS_ROOT.length).replace(/^\/+/, '').split('/')[0];
  const current = SECTIONS.some(s => s.path === rest) ? rest : '';
  return (
    <Box sx={{ p: 3 }}>
      <Typography variant="h4" component="h1" sx={{ mb: 1 }}>
        Scorecards
      </Typography>
      <Tabs value={current} aria-label="Scorecards views" sx={{ mb: 3 }}>
        {SECTIONS.map(s => (
          <Tab
            key={s.path}
            value={s.path}
            label={s.label}
            component={RouterLink}
            to={s.path ? `${SCORECARDS_ROOT}/${s.path}` : SCORECARDS_ROOT}
          />
        ))}
      </Tabs>
      <Routes>
        <Route index element={<ScorecardsPage />} />
        <Route path="team" element={<TeamPage />} />
        <Route path="initiatives" element={<InitiativesPage />} />
        <Route path="initiatives/:id" element={<InitiativesPage />} />
        <Route path="exemptions" element={<ExemptionsPage />} />
        <Route path="exemptions/:id" element={<ExemptionsPage />} />
        <Route path="notifications" element={<NotificationsPage />} />
        <Route path=":namespace/:name" element={<ScorecardPage />} />
      </Routes>
    </Box>
  );
}

export default ScorecardsRoot;
