// Admin requests about how the server meets the internet: the public IP and its reverse name,
// the outbound port-25 test, certificates, and the settings a mail client needs. Public-IP
// detection and the port-25 probe belong to dns/ and tls/ when those subsystems are wired in;
// until then the public IP is the configured one or the first non-internal interface address.
import { networkInterfaces } from 'node:os';
import { z } from 'zod';
import { UserError } from '../../common/errors.js';
import type { ClientSetting, PublicIpInfo } from '../contract.js';
import type { AdminContext } from '../context.js';
import { handler, unavailable } from '../handler.js';
import { certificateInfo } from '../status.js';

const noParams = z.object({}).strict();

export const networkHandlers = [
  handler({
    method: 'network.publicIp',
    params: z.object({ refresh: z.boolean().optional() }).strict(),
    async run(ctx, { refresh }) {
      if (ctx.network) return ctx.network.publicIp(refresh ?? false);
      return guessPublicIp(ctx);
    },
  }),
  handler({
    method: 'network.port25Test',
    params: z.object({ target: z.string().trim().min(1).max(253).optional() }).strict(),
    run(ctx, { target }) {
      if (!ctx.network) return unavailable('The outbound port 25 test');
      return ctx.network.port25Test(target);
    },
  }),
  handler({ method: 'certificates.list', params: noParams, run: (ctx) => certificateInfo(ctx) }),
  handler({
    method: 'certificates.useSelfSigned',
    params: noParams,
    changes: 'status',
    async run(ctx) {
      if (ctx.certificates) await ctx.certificates.useSelfSigned();
      return certificateInfo(ctx);
    },
  }),
  handler({
    method: 'certificates.requestAcme',
    params: z.object({ email: z.email().optional() }).strict(),
    changes: 'status',
    async run(ctx, { email }) {
      if (!ctx.certificates) return unavailable('ACME (Let’s Encrypt) certificates');
      await ctx.certificates.requestAcme(email);
      return certificateInfo(ctx);
    },
  }),
  handler({
    method: 'clients.settings',
    params: z.object({ address: z.string().trim().max(320).optional() }).strict(),
    run(ctx, { address }) {
      if (address && !ctx.directory.accounts.get(address)) throw new UserError(`no such account: ${address}`, 'not_found');
      const { hostname } = ctx.config;
      // The ports that really listen (a setting of 0 picks one at start).
      const ports = Object.fromEntries(ctx.listeners().map((l) => [l.name, l.state === 'running' ? l.port : null])) as Record<string, number | null>;
      const servers: ClientSetting[] = [];
      const add = (protocol: ClientSetting['protocol'], port: number | null | undefined, security: ClientSetting['security'], recommended: boolean) => {
        if (port) servers.push({ protocol, host: hostname, port, security, recommended });
      };
      add('imap', ports.imaps, 'tls', true);
      add('imap', ports.imap, 'starttls', false);
      add('smtp', ports.smtps, 'tls', true);
      add('smtp', ports.submission, 'starttls', false);
      add('pop3', ports.pop3s, 'tls', false);
      add('pop3', ports.pop3, 'starttls', false);
      const base = ctx.httpBase?.() ?? null;
      const domain = address ? address.slice(address.lastIndexOf('@') + 1) : (ctx.directory.domains.list()[0]?.name ?? null);
      return {
        address: address ?? null,
        username: address ?? 'the whole address, e.g. you@example.org',
        servers,
        autoconfigUrl: base && domain ? `${base}/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=${encodeURIComponent(address ?? `you@${domain}`)}` : null,
        mobileconfigUrl: base && address ? `${base}/mail.mobileconfig?emailaddress=${encodeURIComponent(address)}` : null,
      };
    },
  }),
];

export async function guessPublicIp(ctx: AdminContext): Promise<PublicIpInfo> {
  let ip = ctx.config.publicIp;
  let source: PublicIpInfo['source'] = ip ? 'manual' : 'none';
  if (!ip) {
    const all = Object.values(networkInterfaces()).flatMap((list) => list ?? []);
    const candidate = all.find((a) => !a.internal && a.family === 'IPv4') ?? all.find((a) => !a.internal && a.family === 'IPv6' && !a.address.startsWith('fe80'));
    if (candidate) {
      ip = candidate.address;
      source = 'interface';
    }
  }
  const reverseNames = ip ? (await ctx.resolver.reverse(ip)).map((n) => n.replace(/\.$/, '').toLowerCase()) : [];
  const hostname = ctx.config.hostname.toLowerCase();
  const firstDomain = ctx.directory.domains.list()[0]?.name;
  const usableReverse = reverseNames.find((n) => n.includes('.') && n !== 'localhost');
  return {
    ip,
    source,
    reverseNames,
    suggestedHostname: usableReverse ?? (firstDomain ? `mail.${firstDomain}` : null),
    reverseMismatch: reverseNames.length > 0 && !reverseNames.includes(hostname),
  };
}
