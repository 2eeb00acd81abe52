import ipaddr from 'ipaddr.js';

/**
 * The key per-address limits count a client under: an IPv4 address as it is (an IPv4-mapped IPv6
 * address, `::ffff:203.0.113.5`, as its IPv4), an IPv6 address by its /64 network. A home line, a
 * phone or a rented server is given a whole /64 (2^64 addresses), so counting single IPv6
 * addresses would let anyone take a fresh address for every request and pass every per-address
 * limit. Parsed with ipaddr.js, the library Express's `trust proxy` (proxy-addr) already reads
 * addresses with. Anything unreadable is its own key.
 */
export function addressKey(ip: string | undefined): string {
  if (!ip) return 'unknown';
  if (!ipaddr.isValid(ip)) return ip;
  const address = ipaddr.process(ip);
  if (address.kind() === 'ipv4') return address.toString();
  const network = (address as ipaddr.IPv6).parts.slice(0, 4).map((part) => part.toString(16));
  return `${network.join(':')}::/64`;
}
