// What every live DNS check takes and gives: the context (our setup, the records we ask for, the
// configured resolver) and a result of ok / warning / error with a plain explanation and the
// exact fix. Also the one place DNS errors are sorted into "no such record" and "lookup failed".
import type { DnsResolver } from '../resolver.js';
import type { DomainRecords, DnsRecord, MailSetup, RecordGroup } from '../records.js';
import { recordLine } from '../zone-file.js';

export type CheckStatus = 'ok' | 'warning' | 'error';
export const CHECK_IDS = ['mx', 'a', 'ptr', 'spf', 'dkim', 'dmarc', 'mta-sts', 'tls-rpt', 'port25', 'dnsbl'] as const;
export type CheckId = (typeof CHECK_IDS)[number];

export interface DnsCheckResult {
  id: CheckId;
  title: string;
  status: CheckStatus;
  /** Plain words: what was found and why it matters. */
  detail: string;
  /** The exact fix (a record to publish, a setting to change); empty when ok. */
  fix: string;
  /** What the lookups returned and what we expected, for the UI's side-by-side view. */
  found: string[];
  expected: string[];
  /** Timed stages, for checks that have them (port 25). */
  steps?: { name: string; ok: boolean; ms: number; detail: string }[];
}

export interface CheckContext {
  setup: MailSetup;
  expected: DomainRecords;
  resolver: DnsResolver;
  /** Where the public IP came from or why it is unknown. */
  publicIpDetail?: string;
  /** HOST[:PORT] for the outbound port-25 check. */
  port25: string;
  port25TimeoutMs?: number;
  dnsbls: string[];
  /** How the MTA-STS policy is fetched: port (443) and extra trusted CAs (tests). */
  https?: { port?: number; ca?: string };
}

export type Lookup<T> = { kind: 'found'; value: T } | { kind: 'missing'; code: string } | { kind: 'failed'; code: string; message: string };

/** Run one lookup; NXDOMAIN / no data become `missing`, anything else `failed`. */
export async function lookup<T>(run: () => Promise<T>): Promise<Lookup<T>> {
  try {
    const value = await run();
    if (Array.isArray(value) && value.length === 0) return { kind: 'missing', code: 'ENODATA' };
    return { kind: 'found', value };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'ERROR';
    if (code === 'ENOTFOUND' || code === 'ENODATA') return { kind: 'missing', code };
    return { kind: 'failed', code, message: (err as Error).message };
  }
}

export function failedLookupResult(id: CheckId, title: string, name: string, type: string, l: { code: string }): DnsCheckResult {
  return {
    id,
    title,
    status: 'error',
    detail: `Could not look up the ${type} record of ${name} (${l.code}); the DNS server did not answer properly.`,
    fix: 'Check the network and the DNS server this server uses (the dns setting), then check again.',
    found: [],
    expected: [],
  };
}

/** TXT records as whole strings (character-strings joined, RFC 7208 §3.3). */
export function joinTxt(records: string[][]): string[] {
  return records.map((parts) => parts.join(''));
}

export function expectedOf(ctx: CheckContext, group: RecordGroup): DnsRecord[] {
  return ctx.expected.records.filter((r) => r.group === group);
}

/** Zone-file lines of the records a check wants, for its fix text. */
export function publish(records: DnsRecord[]): string {
  return records.map(recordLine).join('\n');
}

export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

export function worst(statuses: CheckStatus[]): CheckStatus {
  if (statuses.includes('error')) return 'error';
  if (statuses.includes('warning')) return 'warning';
  return 'ok';
}
