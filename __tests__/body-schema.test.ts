import { describe, expect, test } from '@jest/globals';
import { schemaProblems } from '../src/api/body-schema.js';
import { requestSchemas } from '../src/api/request-schemas.js';

const keySchema = requestSchemas.ApiKeyPostRequest;

describe('request schemas from the document', () => {
  test('a valid key request has no problems', () => {
    const body = { name: 'k', roles: ['admin'], expireAt: null, state: 'enabled', ipAccessList: [{ source: '1.2.3.4', description: 'x' }] };
    expect(schemaProblems(keySchema, body, 'body')).toEqual([]);
  });

  test('objects are closed, also when nested', () => {
    expect(schemaProblems(keySchema, { nmae: 'k', ipAccessList: [{ source: '1.2.3.4', cidr: 'x' }] }, 'body')).toEqual([
      expect.stringMatching(
        /^body\.nmae is not a field of this request \(known: name, expireAt, state, hashData, roles, assignedRoleIds, ipAccessList\)$/,
      ),
      expect.stringMatching(/^body\.ipAccessList\[0\]\.cidr is not a field/),
    ]);
  });

  test('enums, types, formats and nullability', () => {
    expect(schemaProblems(keySchema, { roles: ['root'], state: 3, expireAt: 'soon', name: null }, 'body')).toEqual([
      'body.roles[0] must be one of admin, developer, query_endpoints',
      'body.state must be a string',
      'body.expireAt must be an ISO-8601 date-time',
      'body.name may not be null',
    ]);
  });

  test('every POST body of the document is there', () => {
    expect(Object.keys(requestSchemas).sort()).toEqual([
      'ApiKeyPostRequest',
      'CreateReversePrivateEndpoint',
      'ServicPrivateEndpointePostRequest',
      'ServicePostRequest',
    ]);
  });
});
