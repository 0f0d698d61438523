import { describe, expect, test } from '@jest/globals';
import { runStep } from '../emulator/runner.js';
import { errorLines, intentName, useEmulator } from './helpers/emulator.js';
import { named, serviceInputs } from './helpers/services.js';
import { cancelledMain, until } from './helpers/signals.js';

// The runner cancels a job with SIGINT, then SIGTERM 7.5 s later, then SIGKILL; the post step still runs.
// A server that lists every service whatever the filter: the post step's own tag check is what keeps another job's service.
const emulator = useEmulator({ serviceTransitionPolls: 1, serviceFilterIgnored: true });
const received = () => emulator().requests.some((r) => r.method === 'POST');
const committed = () => emulator().requests.some((r) => r.method === 'POST' && r.status === 200);

describe('create-service cancelled', () => {
  // The API commits the service, then takes 1.5 s to answer: the signal lands in between.
  const held = () => emulator().addFault({ method: 'POST', fault: { kind: 'delay', ms: 1500 } });

  test('SIGINT before the answer: the step lets the create finish, records the service, fails; the post step deletes it', async () => {
    held();
    const inputs = serviceInputs(emulator());
    const main = await cancelledMain(inputs, received, ['SIGINT']);
    expect(main.exitCode).toBe(1);
    expect(errorLines(main.stdout)).toEqual([expect.stringMatching(/^::error::The step was cancelled \(SIGINT\) before /)]);
    expect(intentName(main.state)).toEqual(expect.any(String));
    const made = named(emulator(), intentName(main.state));
    expect(made).toHaveLength(1);
    expect(main.state.created).toBe(made[0]?.id);
    const post = await runStep(inputs, { state: main.state });
    expect(post.exitCode).toBe(0);
    expect(named(emulator(), intentName(main.state))).toEqual([]);
  });

  test('SIGINT after the answer, while waiting for running: no poll follows; the post step deletes the service', async () => {
    const inputs = serviceInputs(emulator(), { 'wait-timeout': '1m' });
    let signalledAt = 0;
    const main = await cancelledMain(inputs, () => committed() && (signalledAt ||= Date.now()) > 0, ['SIGINT']);
    expect(main.exitCode).toBe(1);
    expect(main.stdout).toMatch(/cancelled \(SIGINT\)/);
    expect(main.state.created).toEqual(expect.stringMatching(/^[0-9a-f-]{36}$/));
    // A poll already on its way may land; none is sent once the signal is seen.
    const polls = emulator().requests.filter((r) => r.method === 'GET' && r.path.endsWith(`/services/${main.state.created}`));
    expect(polls.filter((r) => r.at > signalledAt + 500)).toEqual([]);
    const post = await runStep(inputs, { state: main.state });
    expect(post.exitCode).toBe(0);
    expect(named(emulator(), intentName(main.state))).toEqual([]);
  });

  test.each([
    ['SIGINT then SIGTERM', ['SIGINT', 'SIGTERM'] as NodeJS.Signals[]],
    ['SIGKILL', ['SIGKILL'] as NodeJS.Signals[]],
  ])(
    '%s before the answer: the post step finds the service by its tags and deletes it, never the same-named service of another job',
    async (_what, signals) => {
      held();
      const inputs = serviceInputs(emulator(), { name: `ci-${signals.length}-${Date.now() % 100000}` });
      // Another job's service of the same name appears while this step waits for its answer.
      let foreign = '';
      const main = await cancelledMain(
        inputs,
        () => {
          if (!received()) return false;
          foreign ||= emulator().seedService({
            name: inputs.name as string,
            tags: [{ key: 'managed-by', value: 'clickhouse-cloud-action' }],
          });
          return true;
        },
        signals,
      );
      expect(main.exitCode).not.toBe(0);
      expect(main.state.created).toBeUndefined();
      await until(committed);
      expect(named(emulator(), inputs.name)).toHaveLength(2);
      const post = await runStep(inputs, { state: main.state });
      expect(post.exitCode).toBe(0);
      expect(post.stdout).toMatch(/Found 1 service\(s\) tagged gha-mark=octo-org\.octo-repo\.1658821493-1-[a-z0-9]{8}/);
      expect(named(emulator(), inputs.name).map((service) => service.id)).toEqual([foreign]);
      expect(emulator().service(foreign).state).toBe('running');
    },
  );
});
