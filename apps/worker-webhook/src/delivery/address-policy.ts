import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/** A destination the worker will not connect to: the job fails without retry, naming the address. */
export class AddressRefusedError extends Error {
  override readonly name = 'AddressRefusedError';
  readonly code = 'ADDRESS_REFUSED';
}

/**
 * Which addresses deliveries may reach: global unicast only, as ipaddr.js classifies them, so
 * private, loopback, link-local, unique-local, CGNAT, multicast, reserved and documentation ranges
 * are refused, IPv4-mapped IPv6 (`::ffff:10.0.0.1`) read as the IPv4 it carries, unless a range of
 * `WEBHOOK_ALLOWED_NETWORKS` holds the address.
 */
export class AddressPolicy {
  private readonly allowed: [ipaddr.IPv4 | ipaddr.IPv6, number][];

  constructor(allowedNetworks: readonly string[] = []) {
    this.allowed = allowedNetworks.map((range) => ipaddr.parseCIDR(range));
  }

  /** Why the address is refused, or undefined when deliveries may go there. */
  refusal(address: string): string | undefined {
    if (!ipaddr.isValid(address)) return `${address} is not an IP address`;
    const ip = ipaddr.process(address);
    const range = ip.range();
    if (range === 'unicast') return undefined;
    if (this.allowed.some(([network, bits]) => network.kind() === ip.kind() && ip.match(network, bits))) return undefined;
    return `${address} is a ${range} address; deliveries go to public addresses only, unless WEBHOOK_ALLOWED_NETWORKS allows it`;
  }

  /** Throws `AddressRefusedError` for a URL whose host is an IP address that is refused (names are checked when they resolve). */
  checkLiteralHost(url: URL): void {
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    if (isIP(host) === 0) return;
    const reason = this.refusal(host);
    if (reason) throw new AddressRefusedError(`refused to deliver to ${url.origin}: ${reason}`);
  }

  /**
   * A `lookup` for the connection: the name is resolved once, every address it resolves to is
   * checked, and the socket connects to one of those very addresses, so a name that answers a
   * public address to a first look and a private one later (DNS rebinding) cannot slip through.
   */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const refused = addresses.map((entry) => this.refusal(entry.address)).find((reason) => reason !== undefined);
      if (refused) return callback(new AddressRefusedError(`refused to deliver to ${hostname}: ${refused}`), '', 0);
      if (options.all) return callback(null, addresses);
      const [first] = addresses;
      if (!first) return callback(new AddressRefusedError(`${hostname} resolved to no address`), '', 0);
      return callback(null, first.address, first.family);
    });
  };
}
