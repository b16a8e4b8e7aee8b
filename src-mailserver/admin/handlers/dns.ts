// Admin requests for DNS: the records to publish for a domain, a live check, the last report;
// and the outbound relay (smarthost) settings with a test send.
import { z } from 'zod';
import { UserError } from '../../common/errors.js';
import { DomainTable } from '../../directory/domains.js';
import type { AdminContext, DnsAdmin, RelayAdmin } from '../context.js';
import { handler, unavailable } from '../handler.js';

const domainParam = z.object({ domain: z.string().trim().min(1).max(253) }).strict();

function localDomain(ctx: AdminContext, input: string): string {
  const name = DomainTable.parse(input);
  if (!ctx.directory.domains.get(name)) throw new UserError(`no such domain: ${input}`, 'not_found');
  return name;
}

function dnsOf(ctx: AdminContext): DnsAdmin {
  return ctx.dns ?? unavailable('DNS records and checks');
}

function relayOf(ctx: AdminContext): RelayAdmin {
  return ctx.relay ?? unavailable('The outbound relay');
}

const relayInput = z
  .object({
    enabled: z.boolean(),
    host: z.string().trim().max(253),
    port: z.number().int().min(1).max(65535),
    tls: z.enum(['implicit', 'starttls', 'none']),
    username: z.string().max(320),
    password: z.string().max(1024).optional(),
    domains: z.array(z.string().trim().min(1).max(253)).max(500),
  })
  .strict()
  .refine((r) => !r.enabled || r.host.length > 0, { message: 'a relay host is needed', path: ['host'] });

export const dnsHandlers = [
  handler({ method: 'dns.records', params: domainParam, run: (ctx, p) => dnsOf(ctx).records(localDomain(ctx, p.domain)) }),
  handler({ method: 'dns.check', params: domainParam, changes: 'status', run: (ctx, p) => dnsOf(ctx).check(localDomain(ctx, p.domain)) }),
  handler({ method: 'dns.lastCheck', params: domainParam, run: (ctx, p) => dnsOf(ctx).lastCheck(localDomain(ctx, p.domain)) }),
  handler({ method: 'relay.get', params: z.object({}).strict(), run: (ctx) => relayOf(ctx).get() }),
  handler({ method: 'relay.set', params: relayInput, changes: 'settings', run: (ctx, p) => relayOf(ctx).set(p) }),
  handler({ method: 'relay.test', params: z.object({ to: z.email() }).strict(), run: (ctx, p) => relayOf(ctx).test(p.to) }),
];
