import { describe, expect, test } from '@jest/globals';
import { runStep } from '../emulator/runner.js';
import { apiRequests, errorLines, stepInputs, useEmulator } from './helpers/emulator.js';
import { MANAGED } from './helpers/services.js';

const emulator = useEmulator({ serviceTransitionPolls: 1 });
const HOUR = 3_600_000;
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
const changes = () => apiRequests(emulator()).filter((r) => r.method !== 'GET');
const stateOf = (id: string) => emulator().service(id).state;

describe('delete-service', () => {
  test('stops and deletes a service the action made', async () => {
    const id = emulator().seedService({ name: 'gha-kept', tags: [MANAGED] });
    const step = await runStep(stepInputs(emulator(), { operation: 'delete-service', service: id }));
    expect(step.exitCode).toBe(0);
    expect(step.outputs).toMatchObject({ 'http-status': '200', result: '' });
    expect(changes().map((r) => `${r.method} ${r.status}`)).toEqual(['PATCH 200', 'DELETE 200']);
    expect(stateOf(id)).toBe('terminating');
  });

  test('refuses a service without managed-by=clickhouse-cloud-action: read, never changed', async () => {
    const id = emulator().seedService({ name: 'gha-lookalike', tags: [{ key: 'managed-by', value: 'terraform' }] });
    const step = await runStep(stepInputs(emulator(), { operation: 'delete-service', service: id }));
    expect(step.exitCode).toBe(1);
    expect(errorLines(step.stdout)).toEqual([
      expect.stringMatching(
        new RegExp(`^::error::Service gha-lookalike \\(${id}\\) does not carry the tag managed-by=clickhouse-cloud-action`),
      ),
    ]);
    expect(changes()).toEqual([]);
    expect(stateOf(id)).toBe('running');
  });

  test('a service already gone succeeds with a warning', async () => {
    const missing = '0b8c7c1e-1111-4222-8333-444455556666';
    const step = await runStep(stepInputs(emulator(), { operation: 'delete-service', service: missing }));
    expect(step.exitCode).toBe(0);
    expect(step.stdout).toContain(`::warning::Service ${missing} was already gone; nothing to delete.`);
    expect(step.outputs['http-status']).toBe('404');
    expect(step.outputs['request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('prune-services', () => {
  function seedMix(prefix: string) {
    const seed = (name: string, age: number, tags = [MANAGED]) => emulator().seedService({ name, createdAt: ago(age), tags });
    return {
      oldTagged: seed(`${prefix}old`, 48 * HOUR),
      oldStopped: emulator().seedService({ name: `${prefix}stopped`, createdAt: ago(30 * HOUR), tags: [MANAGED], state: 'stopped' }),
      newTagged: seed(`${prefix}new`, HOUR),
      oldUntagged: seed(`${prefix}untagged`, 72 * HOUR, []),
      otherPrefix: seed(`keep-${prefix}old`, 72 * HOUR),
    };
  }

  test('stops and deletes the old tagged services with the prefix, starting every deletion before waiting; nothing else', async () => {
    const s = seedMix('prune-a-');
    const step = await runStep(stepInputs(emulator(), { operation: 'prune-services', 'name-prefix': 'prune-a-' }));
    expect(step.exitCode).toBe(0);
    expect(JSON.parse(step.outputs.deleted ?? '').sort()).toEqual([s.oldTagged, s.oldStopped].sort());
    expect(step.outputs.count).toBe('2');
    expect(apiRequests(emulator())[0]?.query).toBe('filter=tag:managed-by=clickhouse-cloud-action');
    // The stopped one is deleted before the running one has stopped.
    expect(changes().map((r) => `${r.method} ${r.path.split('/').slice(-2).join('/')}`)).toEqual([
      `PATCH ${s.oldTagged}/state`,
      `DELETE services/${s.oldStopped}`,
      `DELETE services/${s.oldTagged}`,
    ]);
    for (const id of [s.newTagged, s.oldUntagged, s.otherPrefix]) expect(stateOf(id)).toBe('running');
    expect(step.summary).toContain(`<td>${s.oldTagged}</td>`);
  });

  test('dry-run reports what would go and changes nothing', async () => {
    const s = seedMix('prune-b-');
    const step = await runStep(stepInputs(emulator(), { operation: 'prune-services', 'name-prefix': 'prune-b-', 'dry-run': 'true' }));
    expect(step.exitCode).toBe(0);
    expect(JSON.parse(step.outputs.deleted ?? '').sort()).toEqual([s.oldTagged, s.oldStopped].sort());
    expect(apiRequests(emulator()).map((r) => r.method)).toEqual(['GET']);
    expect(stateOf(s.oldTagged)).toBe('running');
  });
});

describe('prune-services on a server that ignores the filter', () => {
  const careless = useEmulator({ serviceTransitionPolls: 1, serviceFilterIgnored: true });

  test('still never reaches an untagged service: the tag is checked on every service listed', async () => {
    const untagged = careless().seedService({ name: 'prune-c-untagged', createdAt: ago(72 * HOUR) });
    const tagged = careless().seedService({ name: 'prune-c-tagged', tags: [MANAGED], createdAt: ago(72 * HOUR) });
    const step = await runStep(stepInputs(careless(), { operation: 'prune-services', 'name-prefix': 'prune-c-' }));
    expect(step.exitCode).toBe(0);
    expect(JSON.parse(step.outputs.deleted ?? '')).toEqual([tagged]);
    expect(careless().service(untagged).state).toBe('running');
  });
});
