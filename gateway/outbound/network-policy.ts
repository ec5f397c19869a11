import { BlockList, isIP } from 'node:net';
import { GridmarkError } from '../../schema/index.js';

/**
 * Networks the registry does not call unless the operator allows them: the unspecified, private,
 * shared (carrier-grade NAT, where some clouds serve instance metadata), loopback, link-local
 * (where most clouds serve instance metadata), benchmarking, multicast and reserved ranges of IPv4
 * and IPv6. IPv4-mapped IPv6 addresses (`::ffff:127.0.0.1`) are matched as the IPv4 address they
 * carry (by `net.BlockList`).
 */
export const RESTRICTED_NETWORKS: readonly string[] = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '224.0.0.0/4',
  '240.0.0.0/4',
  // The unspecified and loopback addresses, and IPv4-compatible ones (::127.0.0.1).
  '::/96',
  'fc00::/7',
  'fe80::/10',
  'ff00::/8',
];

/** Every address: for URLs an operator configured, which need no guard. */
export const ANY_NETWORK: readonly string[] = ['0.0.0.0/0', '::/0'];

/** The networks a caller of applicant URLs may reach, as an operator configures them. */
export interface OutboundNetworks {
  /**
   * Networks admitted although {@link RESTRICTED_NETWORKS} holds them, as CIDRs or single
   * addresses: `['127.0.0.0/8', '::1/128']` for a network on one machine, `['10.20.0.0/16']` for
   * business systems on a private network the operator trusts.
   */
  readonly allow?: readonly string[];
  /** Networks never called, even when `allow` names them. */
  readonly deny?: readonly string[];
}

/** Decides whether an address may be called. */
export interface NetworkPolicy {
  /** True when `address` (IPv4 or IPv6, without brackets) may be called; false for anything else. */
  admits(address: string): boolean;
}

/**
 * The policy of `networks`: an address in `deny` is refused, else one in `allow` is admitted, else
 * one in {@link RESTRICTED_NETWORKS} is refused, else it is admitted. Matching is Node's
 * `net.BlockList`.
 *
 * @throws GridmarkError `BAD_CONFIGURATION` for a network that is not a CIDR or an address.
 */
export function createNetworkPolicy(networks: OutboundNetworks): NetworkPolicy {
  const deny = blockListOf(networks.deny ?? []);
  const allow = blockListOf(networks.allow ?? []);
  const restricted = blockListOf(RESTRICTED_NETWORKS);
  return {
    admits(address) {
      const bare = address.split('%')[0] ?? '';
      const family = isIP(bare);
      if (family === 0) return false;
      const type = family === 4 ? 'ipv4' : 'ipv6';
      if (deny.check(bare, type)) return false;
      return allow.check(bare, type) || !restricted.check(bare, type);
    },
  };
}

function blockListOf(networks: readonly string[]): BlockList {
  const list = new BlockList();
  for (const network of networks) {
    const [address = '', prefix, ...rest] = network.trim().split('/');
    const family = isIP(address);
    const bits = prefix === undefined ? undefined : Number(prefix);
    const max = family === 4 ? 32 : 128;
    if (
      family === 0 ||
      rest.length > 0 ||
      (bits !== undefined && !(prefix !== '' && Number.isInteger(bits) && bits >= 0 && bits <= max))
    ) {
      throw new GridmarkError(
        'BAD_CONFIGURATION',
        `"${network}" is not a network: give a CIDR such as 10.0.0.0/8 or fd00::/8, or an address.`,
      );
    }
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (bits === undefined) list.addAddress(address, type);
    else list.addSubnet(address, bits, type);
  }
  return list;
}
