import { describe, expect, test } from '@jest/globals';
import { parseIpAccessList } from '../src/inputs/ip-access-list.js';

const parse = (text: string) => parseIpAccessList('ip-access-list', text);

describe('ip-access-list', () => {
  test('lines of IP-or-CIDR with an optional description', () => {
    expect(parse('203.0.113.7 office in Berlin\n10.0.0.0/8, 192.168.1.10')).toEqual([
      { source: '203.0.113.7', description: 'office in Berlin' },
      { source: '10.0.0.0/8' },
      { source: '192.168.1.10' },
    ]);
  });

  test('JSON in the API shape', () => {
    expect(parse('[{"source": "198.51.100.0/24", "description": "ci"}]')).toEqual([{ source: '198.51.100.0/24', description: 'ci' }]);
  });

  test.each([
    ['300.1.1.1', /"300\.1\.1\.1", which is not an IPv4 address/],
    ['127.1', /"127\.1", which is not an IPv4 address/],
    ['0x7f.0.0.1', /which is not an IPv4 address/],
    ['192.168.001.010', /which is not an IPv4 address/],
    ['10.0.0.0/33', /not a valid IPv4 CIDR block/],
    ['2001:db8::/32', /an IPv6 address, which API key access lists do not take/],
    ['::1', /an IPv6 address/],
    ['10.0.0.1/8 office', /bits set past \/8.*did you mean 10\.0\.0\.0\/8\?/],
    ['[{"src": "1.2.3.4"}]', /not a list of \{source, description\} objects/],
    ['[not json', /not valid JSON/],
    ['[]', /has no entry, which the API reads as "deny every address"/],
  ])('%j is refused', (text, message) => {
    expect(() => parse(text)).toThrow(message);
    expect(() => parse(text)).toThrow(/^Input 'ip-access-list'/);
  });
});
