/** Kept equal to package.json's version by a unit test; sent in the User-Agent. */
export const ACTION_NAME = 'clickhouse-cloud-action';
export const ACTION_VERSION = '0.1.0';
