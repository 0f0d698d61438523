import * as core from '@actions/core';
import { connect } from './api/connect.js';
import { readHandover } from './api/handover.js';
import { readCommon } from './inputs/common.js';
import { type Intent, type JournalRecord, readJournal } from './journal.js';
import { info } from './log.js';
import { finishIpEntry } from './operations/allow-runner-ip.js';
import { finishKey } from './operations/key-recovery.js';
import { finishServiceStart } from './operations/start-service.js';
import { finishService } from './operations/create-service.js';
import { finishPrivateEndpoint } from './operations/create-private-endpoint.js';
import { finishReverseEndpoint } from './operations/create-reverse-private-endpoint.js';
import { checkSameCredentials, leftAsItIs } from './operations/same-credentials.js';
import { maskSuppliedSecrets } from './secrets.js';
import { reasonOf } from './reason.js';

const OPERATION = {
  key: 'create-key',
  'reverse-endpoint': 'create-reverse-private-endpoint',
  'private-endpoint': 'create-private-endpoint',
  'ip-entry': 'allow-runner-ip',
  'service-start': 'start-service',
  service: 'create-service',
} as const;

/**
 * The post step, when the job ends: finishes or undoes what the main step recorded that it began
 * (revokes the key, deletes what a cancelled or crashed step made), authenticating with the step's
 * own credentials. It never begins anything itself: with no record it does nothing. Anything it
 * may leave behind fails the job, named with how to delete it.
 */
export async function runPost(): Promise<void> {
  maskSuppliedSecrets();
  let record: JournalRecord;
  try {
    record = readJournal();
  } catch (error) {
    core.setFailed(`The post step cannot tell what the main step began: ${reasonOf(error)}. Check the resources it may have made.`);
    return;
  }
  const { intent } = record;
  if (!intent || record.refused) {
    core.debug('Nothing to finish: the main step began nothing that could have been made.');
    return;
  }
  try {
    await finish(intent, record);
  } catch (error) {
    core.setFailed(`The post step could not finish what the main step began: ${reasonOf(error)}`);
  }
}

async function finish(intent: Intent, record: JournalRecord): Promise<void> {
  const context = {
    ...(await connectAsMain(intent, record)),
    log: info,
    warn: (line: string) => core.warning(line),
  };
  switch (intent.kind) {
    case 'key':
      return finishKey(intent, record, context);
    case 'reverse-endpoint':
      return finishReverseEndpoint(intent, record, context);
    case 'private-endpoint':
      return finishPrivateEndpoint(intent, record, context);
    case 'ip-entry':
      return finishIpEntry(intent, record, context);
    case 'service-start':
      return finishServiceStart(intent, record, context);
    case 'service':
      return finishService(intent, record, context);
  }
}

/** The client and organization the main step used, or a failure naming what is left when the job no longer has them. */
async function connectAsMain(intent: Intent, record: JournalRecord) {
  let common;
  try {
    common = readCommon(OPERATION[intent.kind]);
  } catch (error) {
    throw new Error(`${reasonOf(error)}.${leftAsItIs(intent, record)}`, { cause: error });
  }
  checkSameCredentials(intent, record, common.credentials.keyId, common.organizationId);
  return { client: await connect(common, undefined, { step: 'post', handover: readHandover() }), organizationId: common.organizationId };
}

/** The post entry point @github/local-action calls (`--post src/post.ts`). */
export const run = runPost;
