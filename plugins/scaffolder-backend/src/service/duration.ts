/** Milliseconds from an ISO-8601 duration (`PT30S`, `P1DT2H`) or a number of milliseconds. */
export function durationToMs(value: string | number): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw new TypeError(`Invalid duration ${value}`);
    return value;
  }
  const m = /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(value);
  if (!m || value === 'P' || value.endsWith('T')) throw new TypeError(`Invalid ISO-8601 duration '${value}'`);
  const [w, d, h, min, s] = m.slice(1).map(v => (v ? Number(v) : 0));
  return ((((w * 7 + d) * 24 + h) * 60 + min) * 60 + s) * 1000;
}
