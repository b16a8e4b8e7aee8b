// Verifying who sent an inbound message, with mailauth through our resolver: SPF for the MAIL
// FROM and the HELO identities (RFC 7208 §2.3, §2.4), DKIM signatures (RFC 6376 §6), ARC chain
// validation (RFC 8617 §5.2) and DMARC with identifier alignment (RFC 7489 §3.1, §6.6). The
// message is fed as it arrives (DKIM hashes the body in a stream), SPF starts at once, and the
// verdict is ready when the message ends. A per-message budget of DNS queries bounds what a
// message with hundreds of signatures can make us do.
import { PassThrough } from 'node:stream';
import { isIP } from 'node:net';
import { arc, dkimVerify, dmarc, spf, type ARCData, type ARCResult, type DKIMVerifyResult, type SPFResult } from 'mailauth';
import type { DnsResolver } from '../dns/resolver.js';
import { formatAuthenticationResults, type AuthResultRow } from './auth-results.js';
import type { DnsAnswerCache } from './dns-answer-cache.js';

export type SpfOutcome = 'pass' | 'fail' | 'softfail' | 'neutral' | 'none' | 'temperror' | 'permerror';
export type DmarcPolicy = 'none' | 'quarantine' | 'reject';

export interface SpfVerdict {
  result: SpfOutcome;
  /** The domain checked (of MAIL FROM, or the HELO name). */
  domain: string;
  row: AuthResultRow;
}

export interface DkimVerdict {
  result: string;
  domain: string;
  selector: string;
  /** The signing domain aligns with the header From domain (relaxed). */
  aligned: boolean;
  row: AuthResultRow;
}

export interface DmarcVerdict {
  result: 'pass' | 'fail' | 'none' | 'temperror' | 'permerror';
  domain: string;
  /** The policy that applies to the From domain (sp= for subdomains), null without a record. */
  policy: DmarcPolicy | null;
  pct: number;
  row: AuthResultRow;
}

export interface ArcVerdict {
  result: 'pass' | 'fail' | 'none';
  /** d= of the newest ARC-Seal. */
  sealer: string | null;
  row: AuthResultRow;
}

export interface MessageAuthVerdict {
  spf: SpfVerdict;
  spfHelo: SpfVerdict | null;
  dkim: DkimVerdict[];
  arc: ArcVerdict;
  dmarc: DmarcVerdict | null;
  /** Header From addresses as mailauth read them. */
  headerFrom: string[];
  /** The whole Authentication-Results field (RFC 8601), CRLF-terminated. */
  header: string;
}

export interface MessageAuthInput {
  ip: string;
  /** HELO/EHLO argument as given. */
  helo: string;
  /** MAIL FROM address ('' for the null sender). */
  sender: string;
  /** Our host name: the authserv-id. */
  hostname: string;
}

const MAX_QUERIES = 60;

type MailauthResolver = (name: string, rrtype: string) => Promise<string[][] | string[]>;

/** A resolver for one message: every query goes through `resolver` (and the cache), at most MAX_QUERIES of them. */
function budgetedResolver(resolver: DnsResolver, cache?: DnsAnswerCache): MailauthResolver {
  let used = 0;
  const resolve = cache ? cache.wrap((name, rrtype) => resolver.resolve(name, rrtype)) : (name: string, rrtype: string) => resolver.resolve(name, rrtype);
  return async (name, rrtype) => {
    if (++used > MAX_QUERIES) {
      const err = new Error(`DNS query budget of ${MAX_QUERIES} spent`) as Error & { code: string };
      err.code = 'ETIMEOUT';
      throw err;
    }
    return (await resolve(name, rrtype)) as string[][] | string[];
  };
}

/** HELO names SPF can check: a domain name, not an address literal. */
function heloIdentity(helo: string): string | null {
  const name = helo.trim().toLowerCase().replace(/\.$/, '');
  if (!name || name.startsWith('[') || isIP(name) || !name.includes('.')) return null;
  return /^[a-z0-9.-]+$/.test(name) ? name : null;
}

function spfVerdict(r: SPFResult, identity: 'mailfrom' | 'helo', value: string): SpfVerdict {
  const result = (r.status.result === 'temperr' ? 'temperror' : r.status.result) as SpfOutcome;
  return {
    result,
    domain: r.domain,
    row: { method: 'spf', result, comment: r.status.comment, props: [[`smtp.${identity}`, value]] },
  };
}

/** Streaming verification of one message. */
export class MessageAuthentication {
  private readonly input = new PassThrough();
  private readonly resolve: MailauthResolver;
  private readonly spfMailFrom: Promise<SpfVerdict>;
  private readonly spfHelo: Promise<SpfVerdict | null>;
  private readonly dkim: Promise<DKIMVerifyResult>;

  constructor(
    private readonly from: MessageAuthInput,
    resolver: DnsResolver,
    cache?: DnsAnswerCache,
  ) {
    this.resolve = budgetedResolver(resolver, cache);
    const ip = from.ip;
    const helo = heloIdentity(from.helo);
    const heloText = isIP(from.helo) ? `[${from.helo}]` : from.helo;
    // RFC 7208 §2.4: with the null sender, the MAIL FROM identity is postmaster@HELO.
    const mailFrom = from.sender || (helo ? `postmaster@${helo}` : '');
    this.spfMailFrom = mailFrom
      ? spf({ sender: mailFrom, ip, helo: heloText, mta: from.hostname, resolver: this.resolve }).then((r) => spfVerdict(r, 'mailfrom', mailFrom))
      : Promise.resolve({ result: 'none', domain: '', row: { method: 'spf', result: 'none', comment: 'no sender identity', props: [['smtp.mailfrom', '<>']] } });
    this.spfHelo = helo
      ? spf({ sender: `postmaster@${helo}`, ip, helo, mta: from.hostname, resolver: this.resolve }).then((r) => spfVerdict(r, 'helo', helo))
      : Promise.resolve(null);
    this.dkim = dkimVerify(this.input, { resolver: this.resolve, sender: from.sender || undefined });
    // Nothing awaits these until end(); keep an early rejection from being unhandled.
    for (const p of [this.spfMailFrom, this.spfHelo, this.dkim]) p.catch(() => undefined);
  }

  /** Feed the next part of the message; resolves when the verifier can take more. */
  async write(chunk: Buffer): Promise<void> {
    if (!this.input.write(chunk)) await new Promise<void>((resolve) => this.input.once('drain', resolve));
  }

  abort(): void {
    this.input.destroy();
  }

  async end(): Promise<MessageAuthVerdict> {
    this.input.end();
    const [spfResult, spfHelo, dkimResult] = await Promise.all([this.spfMailFrom, this.spfHelo, this.dkim]);
    const arcData = dkimResult.arc;
    const arcResult: ARCResult = arcData ? await arc(arcData as ARCData, { resolver: this.resolve }) : { i: false, status: { result: 'none' } };
    const arcVerdict: ArcVerdict = {
      result: arcResult.status.result === 'pass' ? 'pass' : arcResult.status.result === 'none' ? 'none' : 'fail',
      sealer: arcSealer(arcData),
      row: { method: 'arc', result: arcResult.status.result, comment: arcResult.status.comment, props: [] },
    };
    const dkim: DkimVerdict[] = (dkimResult.results ?? [])
      .filter((r) => r.signingDomain || r.status.result !== 'none')
      .map((r) => {
        const h = (r.status.header ?? {}) as Record<string, unknown>;
        const text = (v: unknown) => (typeof v === 'string' ? v : '');
        return {
          result: r.status.result,
          domain: (r.signingDomain ?? '').toLowerCase(),
          selector: r.selector ?? '',
          aligned: Boolean(r.status.aligned),
          row: {
            method: 'dkim',
            result: r.status.result,
            comment: r.status.comment,
            props: [
              ['header.i', text(h.i)],
              ['header.s', text(h.s)],
              ['header.a', text(h.a)],
              ['header.b', text(h.b)],
            ],
          },
        };
      });
    const headerFrom = dkimResult.headerFrom ?? [];
    let dmarcVerdict: DmarcVerdict | null = null;
    if (headerFrom.length === 1) {
      const d = await dmarc({
        headerFrom,
        spfDomains: spfResult.result === 'pass' && this.from.sender ? [spfResult.domain] : [],
        dkimDomains: (dkimResult.results ?? [])
          .filter((r) => r.status.result === 'pass')
          .map((r) => ({ id: r.id, domain: r.signingDomain, aligned: r.status.aligned, underSized: r.status.underSized })),
        arcResult,
        resolver: this.resolve,
      });
      if (d) {
        const result = d.status.result as DmarcVerdict['result'];
        const policy = d.policy === 'reject' || d.policy === 'quarantine' || d.policy === 'none' ? d.policy : null;
        dmarcVerdict = {
          result: result === 'pass' || result === 'fail' || result === 'none' || result === 'temperror' ? result : 'permerror',
          domain: d.domain,
          policy: result === 'none' ? null : policy,
          pct: typeof d.pct === 'number' ? d.pct : 100,
          row: { method: 'dmarc', result: d.status.result, comment: d.status.comment, props: [['header.from', (d.status.header as { from?: string })?.from ?? d.domain]] },
        };
      }
    } else if (headerFrom.length === 0) {
      dmarcVerdict = { result: 'permerror', domain: '', policy: null, pct: 100, row: { method: 'dmarc', result: 'permerror', comment: 'no From address', props: [] } };
    } else {
      dmarcVerdict = { result: 'permerror', domain: '', policy: null, pct: 100, row: { method: 'dmarc', result: 'permerror', comment: 'several From addresses', props: [] } };
    }
    const rows: AuthResultRow[] = [
      ...(dkim.length ? dkim.map((d) => d.row) : [{ method: 'dkim', result: 'none', props: [] }]),
      spfResult.row,
      ...(spfHelo ? [spfHelo.row] : []),
      arcVerdict.row,
      ...(dmarcVerdict ? [dmarcVerdict.row] : []),
    ];
    return { spf: spfResult, spfHelo, dkim, arc: arcVerdict, dmarc: dmarcVerdict, headerFrom, header: formatAuthenticationResults(this.from.hostname, rows) };
  }
}

function arcSealer(data: DKIMVerifyResult['arc']): string | null {
  const d = data?.lastEntry?.['arc-seal']?.parsed?.d?.value;
  return typeof d === 'string' ? d.toLowerCase() : null;
}
