import { describe, expect, test } from '@jest/globals';
import { runJob, runStep } from '../emulator/runner.js';
import { type ServiceState, startEmulator } from '../emulator/server.js';
import { apiRequests, errorLines, stepInputs, useEmulator } from './helpers/emulator.js';
import { CONTRACT_INTERVALS } from './helpers/intervals.js';
import { cancelledMain, until } from './helpers/signals.js';

// A state in motion is seen once, then settles on the next poll.
const emulator = useEmulator({ serviceTransitionPolls: 1 });
const commands = () => apiRequests(emulator()).flatMap((r) => (r.method === 'PATCH' ? [(r.body as { command: string }).command] : []));
const inputs = (extra: Record<string, string> = {}) =>
  stepInputs(emulator(), { operation: 'start-service', service: emulator().serviceId, ...extra });

describe('start-service', () => {
  test('running: nothing is sent, and the outputs a test step needs are set', async () => {
    emulator().setServiceState('running');
    const { main, post } = await runJob(inputs());
    expect(main.exitCode).toBe(0);
    expect(commands()).toEqual([]);
    const host = `${emulator().serviceId.slice(0, 8)}.us-east-1.aws.clickhouse.cloud`;
    expect(main.outputs).toMatchObject({ state: 'running', 'previous-state': 'running', started: 'false', name: 'emulated-service', host });
    expect(JSON.parse(main.outputs.endpoints ?? '[]')).toContainEqual({ protocol: 'https', host, port: 8443 });
    expect(post.exitCode).toBe(0);
  });

  test.each([
    ['idle', ['awake'], 'awaking'],
    ['stopped', ['start'], 'starting'],
  ] as [ServiceState, string[], string][])('%s: sends %j and waits until running, logging each change once', async (state, sent, via) => {
    emulator().setServiceState(state);
    const main = await runStep(inputs());
    expect(main.exitCode).toBe(0);
    expect(commands()).toEqual(sent);
    expect(main.outputs).toMatchObject({ state: 'running', 'previous-state': state, started: 'true' });
    expect(main.stdout.match(new RegExp(`State: ${state} -> ${via}`, 'g'))).toHaveLength(1);
    expect(main.stdout.match(new RegExp(`State: ${via} -> running`, 'g'))).toHaveLength(1);
  });

  test.each(['starting', 'awaking', 'provisioning', 'partially_running'] as ServiceState[])(
    '%s: waited for, nothing sent',
    async (state) => {
      emulator().setServiceState(state);
      const main = await runStep(inputs());
      expect(main.exitCode).toBe(0);
      expect(commands()).toEqual([]);
      expect(main.outputs).toMatchObject({ state: 'running', 'previous-state': state, started: 'false' });
    },
  );

  test('stopping: waited for until stopped, then started', async () => {
    emulator().setServiceState('stopping');
    const main = await runStep(inputs());
    expect(main.exitCode).toBe(0);
    expect(commands()).toEqual(['start']);
    expect(main.stdout).toMatch(/State: stopping -> stopped[\s\S]*Sent start\.[\s\S]*State: starting -> running/);
  });

  test.each(['failed', 'degraded', 'terminating', 'terminated', 'softdeleting', 'softdeleted'] as ServiceState[])(
    '%s: fails naming the state, nothing sent',
    async (state) => {
      emulator().setServiceState(state);
      const main = await runStep(inputs());
      expect(main.exitCode).toBe(1);
      expect(errorLines(main.stdout)).toEqual([
        expect.stringMatching(new RegExp(`is ${state}, which cannot become running; nothing was sent`)),
      ]);
      expect(commands()).toEqual([]);
      expect(main.outputs.state).toBe(state);
    },
  );

  test('a wait that times out fails naming the last state, with the outputs set', async () => {
    const slow = await startEmulator({ serviceTransitionPolls: 100 });
    try {
      slow.setServiceState('stopped');
      const main = await runStep(stepInputs(slow, { operation: 'start-service', service: slow.serviceId, 'wait-timeout': '2s' }));
      expect(main.exitCode).toBe(1);
      expect(errorLines(main.stdout)).toEqual([expect.stringMatching(/was not running after 2s \(wait-timeout\); last state starting/)]);
      expect(main.outputs).toMatchObject({ state: 'starting', started: 'true' });
    } finally {
      await slow.close();
    }
  });

  test('stop-on-exit stops a service the step started from stopped', async () => {
    emulator().setServiceState('stopped');
    const { main, post } = await runJob(inputs({ 'stop-on-exit': 'true' }));
    expect(main.exitCode).toBe(0);
    expect(post.exitCode).toBe(0);
    expect(commands()).toEqual(['start', 'stop']);
  });

  test('cancelled while waiting after start: stop-on-exit still stops the service in the post step', async () => {
    emulator().setServiceState('stopped');
    const step = inputs({ 'stop-on-exit': 'true' });
    // The contract's 5 s poll: the signal lands during the wait, which it cuts short.
    const main = await cancelledMain(step, () => commands().length > 0, ['SIGINT'], { env: CONTRACT_INTERVALS });
    expect(main.exitCode).toBe(1);
    expect(main.stdout).toMatch(/cancelled \(SIGINT\)/);
    const post = await runStep(step, { state: main.state });
    expect(post.exitCode).toBe(0);
    expect(commands()).toEqual(['start', 'stop']);
  });

  test('a step killed before its start was answered: the post step stops nothing, whatever the state', async () => {
    emulator().setServiceState('running');
    const intent = JSON.stringify({ kind: 'service-start', serviceId: emulator().serviceId, stopOnExit: true, sentAt: Date.now() });
    const post = await runStep(inputs({ 'stop-on-exit': 'true' }), { phase: 'post', state: { intent } });
    expect(post.exitCode).toBe(0);
    expect(post.stdout).toMatch(/::warning::.*cannot prove it started the service/);
    expect(commands()).toEqual([]);
  });

  test('a start the API refused (another job had started the service) is recorded as refused, never stopped', async () => {
    emulator().setServiceState('stopped');
    const refusal = { status: 400, error: 'BAD_REQUEST: Service is already starting' };
    emulator().addFault({ method: 'PATCH', fault: { kind: 'status', status: 400, body: refusal } });
    const step = inputs({ 'stop-on-exit': 'true' });
    const main = await runStep(step);
    expect(main.exitCode).toBe(1);
    expect(errorLines(main.stdout)).toEqual([
      expect.stringMatching(/HTTP 400 to PATCH .*\/state: BAD_REQUEST: Service is already starting/),
    ]);
    expect(main.state.refused).toBe('true');
    emulator().setServiceState('running');
    const post = await runStep(step, { state: main.state });
    expect(post.exitCode).toBe(0);
    expect(commands()).toEqual(['start']);
    expect(emulator().service().state).toBe('running');
  });

  test('cancelled before its start was sent: the post step stops nothing, though the service now runs', async () => {
    emulator().setServiceState('stopped');
    // The first read is held, and the cancellation arrives while it is: the step sends nothing after it.
    emulator().addFault({ method: 'GET', fault: { kind: 'delay', ms: 1000 } });
    const step = inputs({ 'stop-on-exit': 'true' });
    const main = await cancelledMain(step, () => apiRequests(emulator()).length > 0, ['SIGINT']);
    expect(main.exitCode).toBe(1);
    expect(commands()).toEqual([]);
    emulator().setServiceState('running');
    const post = await runStep(step, { state: main.state });
    expect(post.exitCode).toBe(0);
    expect(commands()).toEqual([]);
  });

  test.each(['stopped', 'stopping'] as ServiceState[])(
    'someone stops the service while the step waits (%s): the step fails at once naming the state',
    async (state) => {
      emulator().setServiceState('stopped');
      const running = runStep(inputs({ 'wait-timeout': '20s' }));
      await until(() => commands().length > 0);
      emulator().setServiceState(state);
      const main = await running;
      expect(main.exitCode).toBe(1);
      expect(errorLines(main.stdout)).toEqual([
        expect.stringMatching(new RegExp(`is ${state} again after this step sent start: someone stopped it while the step waited`)),
      ]);
      expect(main.outputs.state).toBe(state);
      expect(main.ms).toBeLessThan(10_000);
    },
  );

  test('stop-on-exit leaves a service the step only woke (or found running) alone', async () => {
    emulator().setServiceState('idle');
    const { post } = await runJob(inputs({ 'stop-on-exit': 'true' }));
    expect(post.exitCode).toBe(0);
    expect(commands()).toEqual(['awake']);
  });

  test.each([
    ['wait-timeout', { 'wait-timeout': 'soon' }],
    ['stop-on-exit', { 'stop-on-exit': 'maybe' }],
    ['service', { service: '' }],
  ])('bad %s %j fails naming it, with no request', async (input, bad) => {
    const { main } = await runJob(inputs(bad));
    expect(main.exitCode).toBe(1);
    expect(errorLines(main.stdout)).toEqual([expect.stringMatching(new RegExp(`^::error::Input '${input}' .+\\. Accepted: .+`))]);
    expect(apiRequests(emulator())).toEqual([]);
  });
});
