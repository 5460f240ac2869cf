import { Box, Button, Chip, FormControlLabel, Link, List, ListItem, ListItemText, Switch, Typography } from '@mui/material';
import { useApi } from '@portico/frontend-plugin-api';
import type { NotificationKind, ScorecardNotification } from '@portico/plugin-scorecards-common';
import { useEffect, useState } from 'react';
import { Link as RouterLink } from 'react-router';
import { scorecardsApiRef } from '../../api/ScorecardsApi';
import { useAsync } from '@portico/core-components';
import { EmptyState, ErrorPanel, Progress } from '@portico/core-components';

const KIND_LABELS: Record<NotificationKind, string> = {
  'level-dropped': 'Level dropped',
  'exemption-requested': 'Exemption requested',
  'exemption-decided': 'Exemption decided',
  'initiative-reminder': 'Initiative reminder',
};

function when(time: string): string {
  return new Date(time).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });
}

function NotificationItem(props: { notification: ScorecardNotification; onMarkRead(): void }) {
  const { notification: n } = props;
  const unread = !n.readAt;
  return (
    <ListItem
      divider
      aria-label={`${n.title}${unread ? ' (unread)' : ''}`}
      secondaryAction={
        unread ? (
          <Button size="small" onClick={props.onMarkRead} aria-label={`Mark “${n.title}” as read`}>
            Mark as read
          </Button>
        ) : undefined
      }
    >
      <ListItemText
        primary={
          <Box sx={{ display: 'flex', gap: 1, alignItems: 'center', flexWrap: 'wrap' }}>
            <Typography component="span" sx={{ fontWeight: unread ? 700 : 400 }}>
              {n.link?.startsWith('/') ? (
                <Link component={RouterLink} to={n.link}>
                  {n.title}
                </Link>
              ) : (
                n.title
              )}
            </Typography>
            <Chip size="small" variant="outlined" label={KIND_LABELS[n.kind] ?? n.kind} />
          </Box>
        }
        secondary={`${n.body} · ${when(n.createdAt)} UTC`}
      />
    </ListItem>
  );
}

/** `/scorecards/notifications`: what scorecards told the user and their groups, newest first. */
export function NotificationsPage() {
  const api = useApi(scorecardsApiRef);
  const [unreadOnly, setUnreadOnly] = useState(false);
  const loaded = useAsync(() => api.getNotifications({ unreadOnly }), [api, unreadOnly]);
  const [items, setItems] = useState<ScorecardNotification[]>([]);
  const [error, setError] = useState<Error>();
  useEffect(() => {
    if (loaded.value) setItems(loaded.value);
  }, [loaded.value]);

  const markRead = async (id: string) => {
    setError(undefined);
    try {
      await api.markNotificationRead(id);
      const readAt = new Date().toISOString();
      setItems(current =>
        unreadOnly ? current.filter(n => n.id !== id) : current.map(n => (n.id === id ? { ...n, readAt } : n)),
      );
    } catch (e) {
      setError(e instanceof Error ? e : new Error(String(e)));
    }
  };

  return (
    <Box component="section" aria-label="Notifications">
      <FormControlLabel
        control={<Switch checked={unreadOnly} onChange={event => setUnreadOnly(event.target.checked)} />}
        label="Unread only"
      />
      {error ? <ErrorPanel title="Could not mark the notification as read" error={error} /> : null}
      {loaded.loading ? (
        <Progress label="Loading notifications" />
      ) : loaded.error ? (
        <ErrorPanel title="Could not load notifications" error={loaded.error} onRetry={loaded.retry} />
      ) : items.length === 0 ? (
        <EmptyState title={unreadOnly ? 'No unread notifications' : 'No notifications'}>
          You hear from scorecards when an entity you own drops a level, about exemptions and about initiatives.
        </EmptyState>
      ) : (
        <List aria-label="Notifications list">
          {items.map(n => (
            <NotificationItem key={n.id} notification={n} onMarkRead={() => void markRead(n.id)} />
          ))}
        </List>
      )}
    </Box>
  );
}

export default NotificationsPage;
