// The DNS records a domain must publish for this server, as structured data (name, type, value,
// level, one-line purpose) for the UI and the CLI. RFC 5321 §5 (MX), RFC 7208 (SPF), RFC 6376 and
// RFC 8463 (DKIM), RFC 7489 (DMARC), RFC 8461 (MTA-STS), RFC 8460 (TLS-RPT), RFC 6186 and RFC 8314
// §5.1 (SRV), plus the PTR the user must ask the address's provider for (FCrDNS).
import { createHash } from 'node:crypto';
import type { DkimAlgorithm, DkimKeyState } from '../auth/dkim-keys.js';
import { dkimRecordValue } from '../auth/dkim-keys.js';
import { ptrName, type PublicAddresses } from './public-address.js';

export type RecordType = 'MX' | 'A' | 'AAAA' | 'TXT' | 'CNAME' | 'SRV' | 'PTR';
export type RecordLevel = 'required' | 'recommended' | 'optional';
/** Which check (and UI section) a record belongs to. */
export type RecordGroup = 'mx' | 'a' | 'ptr' | 'spf' | 'dkim' | 'dmarc' | 'mta-sts' | 'tls-rpt' | 'srv' | 'autoconfig';
/** Where it is published: the domain's zone, the zone of the mail host name, or the reverse zone. */
export type RecordZone = 'domain' | 'host' | 'reverse';

export interface DnsRecord {
  /** Fully qualified, no trailing dot. */
  name: string;
  type: RecordType;
  /** Presentation value: TXT unquoted and unsplit; names without a trailing dot. */
  value: string;
  ttl: number;
  level: RecordLevel;
  group: RecordGroup;
  zone: RecordZone;
  /** One line: what the record is for. */
  purpose: string;
}

export interface SmarthostSpf {
  /** The relay's host name, e.g. `smtp.relay.example`. */
  host: string;
  /** The SPF include the relay documents (e.g. `spf.relay.example`); when absent, `a:HOST` is used. */
  spfInclude?: string | null;
}

export interface MailSetup {
  /** A-label, lower case. */
  domain: string;
  /** The MX host name: greeting, certificate, PTR. */
  hostname: string;
  publicIp: PublicAddresses;
  dkimKeys: { selector: string; algorithm: DkimAlgorithm; publicKey: string; state: DkimKeyState }[];
  relay: SmarthostSpf | null;
  /** Whether the relay carries all outbound mail (then port 25 outbound is not needed). */
  relayScope?: 'all' | 'domains';
  /** Ports clients should use; null = not offered. */
  ports: { imaps: number | null; submissions: number | null; pop3s: number | null; https: number | null };
  /** Where DMARC and TLS reports go (a local address). */
  reportAddress: string;
  dmarcPolicy: 'quarantine' | 'reject';
  /** `enforce` needs a certificate senders trust; `testing` while the certificate is self-signed. */
  mtaStsMode: 'enforce' | 'testing';
  ttl: number;
}

export interface DomainRecords {
  domain: string;
  hostname: string;
  records: DnsRecord[];
  /** The body of https://mta-sts.DOMAIN/.well-known/mta-sts.txt (RFC 8461 §3.2). */
  mtaStsPolicy: string;
  /** What the user should know that is not a record (unknown IP, out-of-zone names). */
  notes: string[];
}

const LEVEL_ORDER: Record<RecordLevel, number> = { required: 0, recommended: 1, optional: 2 };

/** RFC 8461 §3.2 policy text; the mx line names our host. */
export function mtaStsPolicyText(setup: Pick<MailSetup, 'hostname' | 'mtaStsMode'>): string {
  return `version: STSv1\r\nmode: ${setup.mtaStsMode}\r\nmx: ${setup.hostname}\r\nmax_age: 604800\r\n`;
}

/** RFC 8461 §3.1 id (1-32 letters/digits): a digest of the policy, so it changes with it. */
export function mtaStsPolicyId(policy: string): string {
  return createHash('sha256').update(policy).digest('hex').slice(0, 20);
}

/** The SPF record we ask for (RFC 7208): our addresses, `mx`, the relay, then `-all`. */
export function spfRecordValue(setup: Pick<MailSetup, 'publicIp' | 'relay'>): string {
  const terms = ['v=spf1'];
  if (setup.publicIp.v4) terms.push(`ip4:${setup.publicIp.v4}`);
  if (setup.publicIp.v6) terms.push(`ip6:${setup.publicIp.v6}`);
  terms.push('mx');
  const relay = relaySpfTerm(setup.relay);
  if (relay) terms.push(relay);
  terms.push('-all');
  return terms.join(' ');
}

/** The SPF term that authorises the smarthost, or null without one. */
export function relaySpfTerm(relay: SmarthostSpf | null): string | null {
  if (!relay) return null;
  return relay.spfInclude ? `include:${relay.spfInclude}` : `a:${relay.host}`;
}

export function dmarcRecordValue(setup: Pick<MailSetup, 'dmarcPolicy' | 'reportAddress'>): string {
  return `v=DMARC1; p=${setup.dmarcPolicy}; rua=mailto:${setup.reportAddress}; adkim=r; aspf=r`;
}

export function tlsRptRecordValue(setup: Pick<MailSetup, 'reportAddress'>): string {
  return `v=TLSRPTv1; rua=mailto:${setup.reportAddress}`;
}

function isUnder(name: string, domain: string): boolean {
  return name === domain || name.endsWith(`.${domain}`);
}

export function buildDomainRecords(setup: MailSetup): DomainRecords {
  const { domain, hostname, ttl } = setup;
  const records: DnsRecord[] = [];
  const notes: string[] = [];
  const hostZone: RecordZone = isUnder(hostname, domain) ? 'domain' : 'host';
  const add = (r: Omit<DnsRecord, 'ttl' | 'zone'> & { zone?: RecordZone }) => records.push({ ttl, zone: 'domain', ...r });

  add({ name: domain, type: 'MX', value: `10 ${hostname}`, level: 'required', group: 'mx', purpose: `Mail for ${domain} is delivered to ${hostname}.` });
  if (setup.publicIp.v4) {
    add({ name: hostname, type: 'A', value: setup.publicIp.v4, level: 'required', group: 'a', zone: hostZone, purpose: `The address other servers connect to for ${hostname}.` });
  }
  if (setup.publicIp.v6) {
    add({ name: hostname, type: 'AAAA', value: setup.publicIp.v6, level: 'recommended', group: 'a', zone: hostZone, purpose: `The IPv6 address of ${hostname}.` });
  }
  if (!setup.publicIp.v4 && !setup.publicIp.v6) {
    notes.push('The public IP address is unknown, so the A record of the mail host and the ip4 part of SPF are missing: give it with --public-ip or in the settings.');
  }
  for (const [family, ip] of [['IPv4', setup.publicIp.v4], ['IPv6', setup.publicIp.v6]] as const) {
    if (!ip) continue;
    add({
      name: ptrName(ip),
      type: 'PTR',
      value: hostname,
      level: family === 'IPv4' ? 'required' : 'recommended',
      group: 'ptr',
      zone: 'reverse',
      purpose: `Reverse DNS of ${ip}: ask the provider of the address (ISP or VPS host) to set it; receivers junk mail from addresses without it.`,
    });
  }
  add({ name: domain, type: 'TXT', value: spfRecordValue(setup), level: 'required', group: 'spf', purpose: 'SPF: the only hosts allowed to send mail from this domain.' });
  for (const key of setup.dkimKeys.filter((k) => k.state !== 'retired')) {
    add({
      name: `${key.selector}._domainkey.${domain}`,
      type: 'TXT',
      value: dkimRecordValue(key),
      level: key.algorithm === 'rsa-sha256' ? 'required' : 'recommended',
      group: 'dkim',
      purpose: `DKIM public key (${key.algorithm === 'rsa-sha256' ? 'RSA' : 'Ed25519'}) that receivers use to check our signatures${key.state === 'published' ? '; not signing yet' : ''}.`,
    });
  }
  add({ name: `_dmarc.${domain}`, type: 'TXT', value: dmarcRecordValue(setup), level: 'required', group: 'dmarc', purpose: `DMARC: what receivers do with mail that fails SPF and DKIM; reports go to ${setup.reportAddress}.` });
  const policy = mtaStsPolicyText(setup);
  add({ name: `_mta-sts.${domain}`, type: 'TXT', value: `v=STSv1; id=${mtaStsPolicyId(policy)}`, level: 'recommended', group: 'mta-sts', purpose: 'MTA-STS: tells senders a TLS policy exists; the id changes whenever the policy does.' });
  add({ name: `_smtp._tls.${domain}`, type: 'TXT', value: tlsRptRecordValue(setup), level: 'recommended', group: 'tls-rpt', purpose: `TLS-RPT: where senders report TLS failures (${setup.reportAddress}).` });
  for (const [label, purpose, group, level] of [
    ['mta-sts', 'Host of the MTA-STS policy (served here over HTTPS).', 'mta-sts', 'recommended'],
    ['autoconfig', 'Thunderbird and K-9 fetch the account settings from this host.', 'autoconfig', 'recommended'],
    ['autodiscover', 'Outlook fetches the account settings from this host.', 'autoconfig', 'optional'],
  ] as const) {
    const name = `${label}.${domain}`;
    if (name === hostname) continue;
    add({ name, type: 'CNAME', value: hostname, level, group, purpose });
  }
  const srv = (service: string, port: number | null, priority: number, purpose: string) =>
    add({
      name: `_${service}._tcp.${domain}`,
      type: 'SRV',
      value: port === null ? '0 0 0 .' : `${priority} 1 ${port} ${hostname}`,
      level: 'optional',
      group: 'srv',
      purpose: port === null ? `${purpose} is not offered (RFC 6186: target ".").` : `${purpose} (RFC 6186, RFC 8314).`,
    });
  srv('imaps', setup.ports.imaps, 0, 'IMAP over TLS for mail clients');
  srv('submissions', setup.ports.submissions, 0, 'Mail submission over TLS for mail clients');
  srv('pop3s', setup.ports.pop3s, 10, 'POP3 over TLS for mail clients');
  srv('imap', null, 0, 'Plain IMAP');
  srv('pop3', null, 0, 'Plain POP3');
  srv('submission', null, 0, 'Plain submission');
  if (setup.ports.https !== null) {
    add({ name: `_autodiscover._tcp.${domain}`, type: 'SRV', value: `0 0 ${setup.ports.https} ${hostname}`, level: 'optional', group: 'autoconfig', purpose: 'Outlook finds the autodiscover host through this record.' });
  }
  if (hostZone === 'host') notes.push(`${hostname} is outside ${domain}: publish its A/AAAA records in the zone that holds ${hostname}.`);
  records.sort((a, b) => LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level]);
  return { domain, hostname, records, mtaStsPolicy: policy, notes };
}
