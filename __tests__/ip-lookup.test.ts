import { expect, test } from '@jest/globals';
import { checkAddress } from '../src/api/ip-lookup.js';

test.each([
  ['34.120.17.5', { ip: '34.120.17.5' }],
  ['10.1.2.3', { problem: 'answered "10.1.2.3", a private address, not a public one' }],
  ['100.64.0.1', { problem: 'answered "100.64.0.1", a carrierGradeNat address, not a public one' }],
  ['127.0.0.1', { problem: 'answered "127.0.0.1", a loopback address, not a public one' }],
  ['203.0.113.7', { ip: '203.0.113.7' }],
  ['169.254.1.1', { problem: 'answered "169.254.1.1", a linkLocal address, not a public one' }],
  ['2001:db8::1', { problem: 'answered "2001:db8::1", not an IPv4 address' }],
  ['034.120.17.5', { problem: 'answered "034.120.17.5", not an IPv4 address' }],
  ['<html>sign in</html>', { problem: 'answered "<html>sign in</html>", not an IPv4 address' }],
])('a lookup answering %j', (answer, expected) => expect(checkAddress(answer)).toEqual(expected));
