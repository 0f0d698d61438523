import { describe, expect, test } from '@jest/globals';
import { runJob } from '../emulator/runner.js';
import { stepInputs, useEmulator } from './helpers/emulator.js';

const emulator = useEmulator();

// Each bad value fails the step with one ::error:: naming the input, and sends no request at all
// (the post step included).
describe.each([
  ['organization', { organization: 'not-a-uuid' }],
  ['operation', { operation: 'create-everything' }],
  ['roles', { roles: 'admin,superuser' }],
  ['roles', { roles: ',' }],
  ['expire-at', { 'expire-at': 'next tuesday' }],
  ['expire-at', { 'expire-at': '2020-02-02T00:00:00Z' }],
  ['state', { state: 'on' }],
  ['ip-access-list', { 'ip-access-list': '10.1.2.3/40' }],
  ['api-url', { 'api-url': 'http://api.clickhouse.cloud' }],
  ['api-url', { 'api-url': '::not a url::' }],
  ['body', { body: '- just\n- a list' }],
  ['body', { body: '{"name": "k", "rolez": ["admin"]}' }],
  ['api-key-id', { 'api-key-id': '' }],
  ['api-key-secret', { 'api-key-secret': '' }],
])('bad %s %j', (input, bad) => {
  test('fails before any request, naming the input', async () => {
    const { main, post } = await runJob(stepInputs(emulator(), { operation: 'create-key', ...bad }));
    expect(main.exitCode).toBe(1);
    const errors = main.stdout.split('\n').filter((line) => line.startsWith('::error'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(new RegExp(`^::error::Input '${input}' .+\\. Accepted: .+`));
    expect(post.exitCode).toBe(0);
    expect(emulator().requests).toHaveLength(0);
  });
});
