import { describe, expect, it } from 'vitest';
import { GridmarkError } from '../../schema/index.js';
import { ANY_NETWORK, createNetworkPolicy } from './network-policy.js';

describe('network policy', () => {
  const strict = createNetworkPolicy({});

  it('refuses private, loopback, link-local, metadata, unspecified and reserved addresses by default', () => {
    for (const address of [
      '127.0.0.1',
      '127.255.0.9',
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.0.10',
      '169.254.169.254',
      '100.100.100.200',
      '0.0.0.0',
      '224.0.0.1',
      '255.255.255.255',
      '::1',
      '::',
      'fd00:ec2::254',
      'fc00::1',
      'fe80::1',
      'fe80::1%eth0',
      'ff02::1',
    ]) {
      expect(strict.admits(address), address).toBe(false);
    }
  });

  it('reads an IPv4-mapped or IPv4-compatible IPv6 address as the IPv4 address it carries', () => {
    for (const address of [
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '::ffff:10.0.0.1',
      '::ffff:169.254.169.254',
      '::127.0.0.1',
    ])
      expect(strict.admits(address), address).toBe(false);
    expect(strict.admits('::ffff:8.8.8.8')).toBe(true);
  });

  it('admits public addresses, and refuses what is not an address', () => {
    for (const address of ['8.8.8.8', '172.32.0.1', '2001:4860:4860::8888'])
      expect(strict.admits(address), address).toBe(true);
    for (const text of ['localhost', '', '127.0.0.1/8', 'example.com'])
      expect(strict.admits(text), text).toBe(false);
  });

  it('admits an allowed network, and refuses a denied one even when it is allowed', () => {
    const policy = createNetworkPolicy({
      allow: ['127.0.0.0/8', '10.20.0.0/16', '::1'],
      deny: ['127.0.0.2/32', '8.8.0.0/16'],
    });
    expect(
      ['127.0.0.1', '::ffff:127.0.0.1', '10.20.3.4', '::1'].map((a) => policy.admits(a)),
    ).toEqual([true, true, true, true]);
    expect(
      ['127.0.0.2', '10.21.0.1', '8.8.8.8', '169.254.169.254'].map((a) => policy.admits(a)),
    ).toEqual([false, false, false, false]);
    expect(createNetworkPolicy({ allow: ANY_NETWORK }).admits('169.254.169.254')).toBe(true);
  });

  it('refuses a malformed network as a configuration error', () => {
    for (const network of [
      '10.0.0.0/33',
      '10.0.0/8',
      'fd00::/129',
      'localhost',
      '10.0.0.0/',
      '10.0.0.0/8/8',
      '::/x',
    ]) {
      expect(() => createNetworkPolicy({ allow: [network] }), network).toThrow(GridmarkError);
    }
    expect(() => createNetworkPolicy({ deny: ['nope'] })).toThrow(/is not a network/);
  });
});
