/**
 * Every wait between the action's own requests (a poll's interval, a retry after a 409) in one
 * place, so the tests can shorten them all without weakening what is tested:
 * CLICKHOUSE_ACTION_INTERVAL_SCALE (test-only, default 1) multiplies each.
 */
export function interval(ms: number): number {
  const scale = Number(process.env.CLICKHOUSE_ACTION_INTERVAL_SCALE ?? '1');
  return Number.isFinite(scale) && scale > 0 ? Math.round(ms * scale) : ms;
}
