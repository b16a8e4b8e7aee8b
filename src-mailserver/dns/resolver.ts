// The resolver every lookup goes through. Configured with one server (`--dns HOST[:PORT]`) in
// tests and for users who want it, else the system's resolvers. Loopback addresses are never
// looked up (their name is `localhost`), so a closed network cannot stall a local session.
import { Resolver as NodeResolver } from 'node:dns/promises';
import { isIP } from 'node:net';
import { parseDnsServer } from '../config/config.js';

export interface DnsResolver {
  /** The underlying node resolver, for libraries that accept one (mailauth, nodemailer). */
  readonly node: NodeResolver;
  resolveMx(name: string): Promise<{ exchange: string; priority: number }[]>;
  resolveTxt(name: string): Promise<string[][]>;
  resolve4(name: string): Promise<string[]>;
  resolve6(name: string): Promise<string[]>;
  /** PTR names for an IP address; empty when none. */
  reverse(ip: string): Promise<string[]>;
  resolveCname(name: string): Promise<string[]>;
  resolveSrv(name: string): Promise<{ name: string; port: number; priority: number; weight: number }[]>;
  /** PTR records of a name (`4.3.2.1.in-addr.arpa`), errors kept: loopback is not special here. */
  resolvePtr(name: string): Promise<string[]>;
  /** Any record type, in node's shapes: the form mailauth's SPF/DMARC/MTA-STS code calls. */
  resolve(name: string, rrtype: string): Promise<unknown>;
}

export function isLoopback(ip: string): boolean {
  const plain = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  return plain === '::1' || (isIP(plain) === 4 && plain.startsWith('127.'));
}

export function createResolver(server: string | null, options: { timeoutMs?: number; tries?: number } = {}): DnsResolver {
  const node = new NodeResolver({ timeout: options.timeoutMs ?? 3000, tries: options.tries ?? 2 });
  if (server) {
    const { host, port } = parseDnsServer(server);
    node.setServers([isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`]);
  }
  return {
    node,
    resolveMx: (name) => node.resolveMx(name),
    resolveTxt: (name) => node.resolveTxt(name),
    resolve4: (name) => node.resolve4(name),
    resolve6: (name) => node.resolve6(name),
    resolveCname: (name) => node.resolveCname(name),
    resolveSrv: (name) => node.resolveSrv(name),
    resolvePtr: (name) => node.resolvePtr(name),
    resolve: (name, rrtype) => node.resolve(name, rrtype),
    async reverse(ip) {
      if (isLoopback(ip)) return ['localhost'];
      try {
        return await node.reverse(ip.startsWith('::ffff:') ? ip.slice(7) : ip);
      } catch {
        return [];
      }
    },
  };
}
