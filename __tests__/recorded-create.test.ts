import { expect, test } from '@jest/globals';
import { CancelledError } from '../src/cancel.js';
import type { Intent, Journal } from '../src/journal.js';
import { recordedChange, recordedCreate } from '../src/operations/recorded-create.js';

const INTENT: Intent = { kind: 'private-endpoint', serviceId: 's', endpointId: 'e', sentAt: 0 };

function journal() {
  const calls: string[] = [];
  const record: Journal = {
    begin: () => calls.push('begin'),
    created: () => calls.push('created'),
    ambiguous: () => calls.push('ambiguous'),
    refused: () => calls.push('refused'),
    finished: () => calls.push('finished'),
  };
  return { calls, record };
}

test.each([
  ['before any try', true, ['begin', 'refused']],
  ['after a try that may have committed', false, ['begin']],
])('a create cancelled %s: refused only when nothing can have been carried out', async (_when, nothingCarriedOut, expected) => {
  const { calls, record } = journal();
  const cancelled = new CancelledError('SIGINT', 'POST /x was sent', nothingCarriedOut);
  await expect(
    recordedCreate(
      record,
      INTENT,
      () => Promise.reject(cancelled),
      async () => 'retry',
      () => undefined,
    ),
  ).rejects.toBe(cancelled);
  expect(calls).toEqual(expected);
});

test('a change cancelled before any try is recorded as refused, so the post step never undoes it', async () => {
  const { calls, record } = journal();
  const cancelled = new CancelledError('SIGINT', 'PATCH /x was sent', true);
  await expect(recordedChange(record, INTENT, () => Promise.reject(cancelled), 'e')).rejects.toBe(cancelled);
  expect(calls).toEqual(['begin', 'refused']);
});
