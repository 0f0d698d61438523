/**
 * Stands in for @actions/exec (and the @actions/io it loads) in the bundle (tsconfig `paths`).
 * @actions/core loads it at start-up only for `platform.getDetails()`, which this action never
 * calls. Should anything call it after all, it says so instead of failing obscurely.
 */
export function getExecOutput(): Promise<never> {
  return Promise.reject(new Error('@actions/exec is not part of the clickhouse-cloud-action bundle (see src/bundle/exec.ts)'));
}
