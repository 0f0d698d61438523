import * as core from '@actions/core';
import type { ApiClient } from './api/client.js';
import { connect } from './api/connect.js';
import { saveHandover } from './api/handover.js';
import { CancelledError, onSignals } from './cancel.js';
import { ignoredInputs, readSettings } from './inputs/index.js';
import { recordCredentials, stateJournal } from './journal.js';
import { info } from './log.js';
import { runOperation } from './operations/index.js';
import { fail, publish } from './outputs.js';
import { maskSuppliedSecrets } from './secrets.js';

/** The main step: inputs -> validated request -> HTTP -> parsed result -> masked outputs. */
export async function runMain(): Promise<void> {
  maskSuppliedSecrets();
  const cancellation = onSignals();
  const operation = core.getInput('operation').trim();
  let client: ApiClient | undefined;
  try {
    const now = Date.now();
    const settings = await readSettings(now);
    for (const name of ignoredInputs(settings.operation))
      core.warning(`Input '${name}' is not used by ${settings.operation}; it is ignored.`);
    recordCredentials(settings.common.credentials.keyId, settings.common.organizationId);
    client = await connect(settings.common, cancellation);
    const result = await runOperation(settings, {
      client,
      journal: stateJournal,
      now,
      log: info,
      warn: (line) => core.warning(line),
    });
    // A cancelled job runs no later step: what this step made is undone by its post step, not handed over.
    const stopIfCancelled = () => {
      if (cancellation.cancelled) throw new CancelledError(cancellation.cancelled, 'it could finish');
    };
    stopIfCancelled();
    await publish(result);
    stopIfCancelled();
    stateJournal.finished();
  } catch (error) {
    await fail(operation, error);
  } finally {
    // Whatever the outcome: the post step then waits for a window this step found used up instead of earning a 429.
    saveHandover(client?.rateLimitHandover());
  }
}

/** The entry point @github/local-action and the actions/typescript-action template call. */
export const run = runMain;
