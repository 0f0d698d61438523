import { expect, test } from '@jest/globals';
import { keyPath, reversePrivateEndpointPath, servicePath } from '../src/api/paths.js';

const ORG = '00000000-0000-4000-8000-000000000001';
const SERVICE = '00000000-0000-4000-8000-000000000002';

test.each([
  ['..', () => keyPath(ORG, '..')],
  ['../..', () => reversePrivateEndpointPath(ORG, SERVICE, '../..')],
  ['%2e%2e', () => servicePath(ORG, '%2e%2e')],
  ['an ID with a query', () => keyPath(ORG, `${SERVICE}?x=1`)],
])('an ID that is not a UUID (%s) never becomes a path', (_what, build) => {
  expect(build).toThrow(/ID ".*" is not a UUID/);
});

test("UUIDs make the document's paths", () => {
  expect(reversePrivateEndpointPath(ORG, SERVICE, SERVICE)).toBe(
    `/v1/organizations/${ORG}/services/${SERVICE}/clickpipesReversePrivateEndpoints/${SERVICE}`,
  );
});
