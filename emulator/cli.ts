import { parseArgs } from 'node:util';
import { startEmulator, type EmulatorOptions } from './server.js';

const USAGE = `Usage: npm run emulator -- [--port N] [--rate-limit] [--ready-after-polls N] [--ready-after-ms N]

  --port N               port on 127.0.0.1 (default 4010; 0 picks a free one)
  --rate-limit           enforce the API's 10 requests per 10 s per key
  --ready-after-polls N  a reverse private endpoint is Ready on the Nth GET of it (default 2)
  --ready-after-ms N     or N ms after its creation (takes precedence)`;

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

function count(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) fail(`--${flag} takes a whole number, got '${value}'`);
  return Number(value);
}

function parseFlags() {
  try {
    return parseArgs({
      options: {
        port: { type: 'string' },
        'rate-limit': { type: 'boolean' },
        'ready-after-polls': { type: 'string' },
        'ready-after-ms': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (error) {
    return fail((error as Error).message);
  }
}

const values = parseFlags();
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

// Fixed IDs and admin key, so a `.env` written once (see .env.example) works against every run.
const LOCAL_SEED = {
  organizationId: '00000000-0000-4000-8000-00000000c10d',
  serviceId: '00000000-0000-4000-8000-0000000005e1',
  adminKeyId: 'LocalEmulatorAdmin01',
  adminKeySecret: '4b1dLocalEmulatorAdminSecretNotARealKey000',
};

const options: EmulatorOptions = {
  port: count('port', values.port) ?? 4010,
  rateLimit: values['rate-limit'] ? { limit: 10, windowMs: 10_000 } : false,
  seed: LOCAL_SEED,
};
const readyAfterPolls = count('ready-after-polls', values['ready-after-polls']);
const readyAfterMs = count('ready-after-ms', values['ready-after-ms']);
if (readyAfterPolls !== undefined) options.readyAfterPolls = readyAfterPolls;
if (readyAfterMs !== undefined) options.readyAfterMs = readyAfterMs;

const emulator = await startEmulator(options);
// The admin key is a local fake made for this run, so printing its secret is the point.
console.log(`ClickHouse Cloud API emulator listening on ${emulator.url}
  organization ID:   ${emulator.organizationId}
  service ID:        ${emulator.serviceId}
  admin key UUID:    ${emulator.adminKey.id}
  admin key ID:      ${emulator.adminKey.keyId}
  admin key secret:  ${emulator.adminKey.secret}
  rate limit:        ${options.rateLimit ? '10 requests / 10 s per key' : 'off'}
  control API:       ${emulator.url}/_emulator/{requests,state,faults}
Ctrl-C to stop.`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void emulator.close().then(() => process.exit(0));
  });
}
