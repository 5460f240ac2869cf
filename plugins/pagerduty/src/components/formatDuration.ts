/** "45 s", "12 min", "1 h 30 min", "3 days": a span of seconds as a person reads it. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  return `${Math.floor(hours / 24)} days`;
}

/** "until 14:00 (in 3 h)", or "with no end" for a permanent on-call. */
export function formatUntil(iso: string | null, now = Date.now()): string {
  if (!iso) return 'with no end';
  const at = new Date(iso);
  return `until ${at.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })} (in ${formatDuration((at.getTime() - now) / 1000)})`;
}
