import { requestSchemas } from '../api/request-schemas.js';
import type { IpAccessListEntry, ResourceTag, ServicePostRequest } from '../api/types.js';
import { readLookupUrls } from './allow-runner-ip.js';
import { checkBody, pick } from './body.js';
import type { CommonSettings } from './common.js';
import { parseDuration } from './duration.js';
import { InputError, quote } from './errors.js';
import { pickIpAccessList } from './ip-access-list.js';
import { defaultServiceName, nonce, serviceMark } from './key-name.js';
import { parseUuid, readBoolean, readChoice, readInput, splitList } from './read.js';

const schema = requestSchemas.ServicePostRequest;
const PROVIDERS = schema.properties.provider.enum;
const REGIONS = schema.properties.region.enum;
const RELEASE_CHANNELS = schema.properties.releaseChannel.enum;
const MAX_NAME = 50;
const MAX_TAGS = 50;
const TAG_TEXT = /^[a-zA-Z0-9._-]+$/;
const IF_EXISTS = ['fail', 'reuse'] as const;

/** The tags that prove a service the action's, and the step's; a user's tag may not take their keys. */
export const MANAGED_BY: ResourceTag = { key: 'managed-by', value: 'clickhouse-cloud-action' };
export const MARK_KEY = 'gha-mark';

export interface CreateServiceSettings {
  operation: 'create-service';
  common: CommonSettings;
  /** The POST body but for `ipAccessList` when it is to be the runner's address (looked up first). */
  request: ServicePostRequest & { name: string; tags: ResourceTag[] };
  /** `ip-access-list` as given; undefined: the runner's public IPv4 address. */
  ipAccessList?: IpAccessListEntry[];
  lookupUrls: URL[];
  /** The `gha-mark` tag's value, unique to the step. */
  mark: string;
  waitForReady: boolean;
  waitTimeoutMs: number;
  deleteOnExit: boolean;
  ifExists: (typeof IF_EXISTS)[number];
}

interface NumberRule {
  input: string;
  field: 'minReplicaMemoryGb' | 'maxReplicaMemoryGb' | 'numReplicas' | 'idleTimeoutMinutes';
  min: number;
  max: number;
  step: number;
  accepted: string;
}

// The document's bounds, checked on the input's text with the words its error needs.
const NUMBERS: NumberRule[] = [
  { input: 'min-replica-memory-gb', field: 'minReplicaMemoryGb', min: 8, max: 356, step: 4, accepted: 'a multiple of 4 from 8 to 356' },
  { input: 'max-replica-memory-gb', field: 'maxReplicaMemoryGb', min: 8, max: 356, step: 4, accepted: 'a multiple of 4 from 8 to 356' },
  { input: 'num-replicas', field: 'numReplicas', min: 1, max: 20, step: 1, accepted: 'a whole number from 1 to 20' },
  {
    input: 'idle-timeout-minutes',
    field: 'idleTimeoutMinutes',
    // "Must be >= 5 minutes" (the document).
    min: 5,
    max: Number.MAX_SAFE_INTEGER,
    step: 1,
    accepted: 'a whole number of minutes, at least 5',
  },
];

export function readCreateService(common: CommonSettings, bodyInput: Record<string, unknown>): CreateServiceSettings {
  const body = checkBody(schema, bodyInput);
  const stepNonce = nonce();
  const mark = serviceMark(stepNonce);
  const name = pick(
    'name',
    body,
    'name',
    (text) => checkName('name', text),
    (value) => checkName('body.name', value as string),
    () => defaultServiceName(stepNonce),
  );
  const required = (input: 'provider' | 'region', values: readonly string[]) =>
    pick(
      input,
      body,
      input,
      (text) => oneOf(input, text, values),
      (value) => value as string,
      () => {
        throw new InputError(input, 'is required but empty', values.join(', '));
      },
    );
  const provider = required('provider', PROVIDERS);
  const region = required('region', REGIONS);
  const request: CreateServiceSettings['request'] = {
    ...body,
    name,
    provider: provider as ServicePostRequest['provider'],
    region: region as ServicePostRequest['region'],
    tags: [],
  };
  delete request.ipAccessList;
  for (const rule of NUMBERS) {
    const value = pick<number | undefined>(
      rule.input,
      body,
      rule.field,
      // Digits only: Number() would also take 0x10, 0b1 and 1e1.
      (text) => checkNumber(rule, rule.input, /^\d+$/.test(text) ? Number(text) : Number.NaN, text),
      (v) => checkNumber(rule, `body.${rule.field}`, v as number, v),
      () => undefined,
    );
    if (value !== undefined) request[rule.field] = value;
  }
  const idleScaling = readInput('idle-scaling') === undefined ? undefined : readBoolean('idle-scaling', true);
  if (idleScaling !== undefined) request.idleScaling = idleScaling;
  const releaseChannel = readInput('release-channel');
  if (releaseChannel !== undefined)
    request.releaseChannel = oneOf('release-channel', releaseChannel, RELEASE_CHANNELS) as ServicePostRequest['releaseChannel'];
  const backupId = readInput('backup-id');
  if (backupId !== undefined) request.backupId = parseUuid('backup-id', backupId, 'the UUID of a backup of a service in the same region');
  const userTags = pick(
    'tags',
    body,
    'tags',
    (text) => splitList(text).map((item) => parseTag('tags', item)),
    (value) => (value as ResourceTag[]).map((tag) => checkTag('body.tags', tag)),
    () => [],
  );
  request.tags = [...userTags, MANAGED_BY, { key: MARK_KEY, value: mark }];
  if (request.tags.length > MAX_TAGS) {
    throw new InputError(
      readInput('tags') === undefined ? 'body.tags' : 'tags',
      `has ${userTags.length} tags`,
      `at most ${MAX_TAGS - 2} (the API takes ${MAX_TAGS}; the step adds 2 of its own)`,
    );
  }
  checkReplicaBand(request);
  const ipAccessList = pickIpAccessList(body);
  const ifExists = readChoice(
    'if-exists',
    IF_EXISTS,
    'fail',
    'fail (a service of the same name is an error) or reuse (it is the result, never deleted by this step)',
  );
  return {
    operation: 'create-service',
    common,
    request,
    ...(ipAccessList ? { ipAccessList } : {}),
    lookupUrls: readLookupUrls(),
    mark,
    waitForReady: readBoolean('wait-for-ready', true),
    waitTimeoutMs: parseDuration('wait-timeout', readInput('wait-timeout') ?? '30m'),
    deleteOnExit: readBoolean('delete-on-exit', true),
    ifExists,
  };
}

function checkName(input: string, text: string): string {
  const accepted = `a service name of 1 to ${MAX_NAME} characters, or none for a generated one`;
  if (text.trim() === '') throw new InputError(input, 'is empty', accepted);
  if (text.length > MAX_NAME) throw new InputError(input, `has ${text.length} characters`, accepted);
  return text;
}

function oneOf(input: string, text: string, values: readonly string[]): string {
  const value = values.find((v) => v === text.toLowerCase());
  if (!value) throw new InputError(input, `is ${quote(text)}`, values.join(', '));
  return value;
}

function checkNumber(rule: NumberRule, input: string, value: number, given: unknown): number {
  const fits = Number.isFinite(value) && value >= rule.min && value <= rule.max && value % rule.step === 0;
  if (!fits) throw new InputError(input, `is ${quote(given)}`, rule.accepted);
  return value;
}

const TAG_ACCEPTED =
  'tags as key=value or key, one per line or comma-separated; keys of 1 to 128 and values of up to 256 letters, digits, `.`, `_` or `-`; not the keys managed-by or gha-mark, which the step sets';

function parseTag(input: string, item: string): ResourceTag {
  const at = item.indexOf('=');
  return checkTag(input, at < 0 ? { key: item } : { key: item.slice(0, at), value: item.slice(at + 1) });
}

function checkTag(input: string, tag: ResourceTag): ResourceTag {
  const shown = quote(tag.value === undefined ? tag.key : `${tag.key}=${tag.value}`);
  if (
    !TAG_TEXT.test(tag.key) ||
    tag.key.length > 128 ||
    (tag.value !== undefined && (!TAG_TEXT.test(tag.value) || tag.value.length > 256))
  ) {
    throw new InputError(input, `has ${shown}, not a valid tag`, TAG_ACCEPTED);
  }
  if (tag.key === MANAGED_BY.key || tag.key === MARK_KEY)
    throw new InputError(input, `sets ${shown}, a key the step sets itself`, TAG_ACCEPTED);
  return tag;
}

/** The document: minReplicas and maxReplicas "must be provided together", and exclude numReplicas. */
function checkReplicaBand(request: ServicePostRequest): void {
  const band = [request.minReplicas, request.maxReplicas].filter((value) => value !== undefined).length;
  if (band === 1) {
    throw new InputError('body', 'has only one of minReplicas and maxReplicas', 'both (a horizontal band), or neither');
  }
  if (band === 2 && request.numReplicas !== undefined) {
    throw new InputError(
      'body',
      'has minReplicas and maxReplicas together with numReplicas (num-replicas)',
      'either the band or a fixed count',
    );
  }
}
