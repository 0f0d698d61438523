/**
 * Stands in for web-streams-polyfill in the bundle (tsconfig `paths`). fetch-blob, under
 * node-fetch, loads it only when the runtime has no ReadableStream, which every node the action
 * runs on has; it was 100 kB of every step's start-up.
 */
throw new Error('web-streams-polyfill is not part of the clickhouse-cloud-action bundle (see src/bundle/web-streams.ts)');
