// Zone-file text (RFC 1035 §5) of a domain's records, loadable as is by knot, BIND or NSD and
// importable by DNS hosting panels. Names are absolute; TXT values longer than 255 bytes are split
// into several strings (RFC 1035 §3.3.14, RFC 7208 §3.3). Records outside the domain's zone (the
// PTR, a mail host in another domain) are written as comments saying where they belong.
import type { DnsRecord, DomainRecords } from './records.js';

export interface ZoneFileOptions {
  /** Add SOA and NS records naming these servers, for a DNS server of the user's own. */
  nameservers?: string[];
  now?: Date;
}

/** A TXT value as zone-file character-strings of at most 255 bytes each. */
export function quoteTxt(value: string): string {
  const chunks: string[] = [];
  let rest = Buffer.from(value, 'utf8');
  do {
    let cut = Math.min(255, rest.length);
    // Never split a UTF-8 sequence.
    while (cut < rest.length && cut > 0 && (rest[cut]! & 0xc0) === 0x80) cut--;
    chunks.push(rest.subarray(0, cut).toString('utf8'));
    rest = rest.subarray(cut);
  } while (rest.length > 0);
  return chunks.map((c) => `"${c.replace(/["\\]/g, (ch) => `\\${ch}`)}"`).join(' ');
}

function presentation(record: DnsRecord): string {
  switch (record.type) {
    case 'TXT': {
      const quoted = quoteTxt(record.value);
      return quoted.length > 200 ? `( ${quoted.split('" "').join('"\n\t"')} )` : quoted;
    }
    case 'MX':
    case 'SRV':
    case 'CNAME':
    case 'PTR': {
      // The last field is a name: make it absolute.
      const parts = record.value.split(' ');
      const last = parts.pop()!;
      return [...parts, last.endsWith('.') ? last : `${last}.`].join(' ');
    }
    default:
      return record.value;
  }
}

export function recordLine(record: DnsRecord): string {
  return `${record.name}.\t${record.ttl}\tIN\t${record.type}\t${presentation(record)}`;
}

function serialOf(now: Date): string {
  const ymd = now.toISOString().slice(0, 10).replace(/-/g, '');
  return `${ymd}01`;
}

export function zoneFileText(set: DomainRecords, options: ZoneFileOptions = {}): string {
  const now = options.now ?? new Date();
  const ttl = set.records[0]?.ttl ?? 300;
  const lines = [
    `; DNS records for ${set.domain}, mail host ${set.hostname} (Homemail, ${now.toISOString().slice(0, 10)}).`,
    `; The TTL is low (${ttl} s) while you set up; raise it to 3600 once every check passes.`,
    '; Names are absolute (they end in "."): a provider that appends the domain itself wants only the',
    `; part before ".${set.domain}", or "@" for ${set.domain} itself.`,
    ...set.notes.map((n) => `; NOTE: ${n}`),
    `$ORIGIN ${set.domain}.`,
    `$TTL ${ttl}`,
  ];
  if (options.nameservers?.length) {
    const ns = options.nameservers.map((n) => (n.endsWith('.') ? n : `${n}.`));
    lines.push(`${set.domain}.\t${ttl}\tIN\tSOA\t${ns[0]} hostmaster.${set.domain}. ${serialOf(now)} 3600 900 1209600 ${ttl}`);
    for (const n of ns) lines.push(`${set.domain}.\t${ttl}\tIN\tNS\t${n}`);
  }
  const elsewhere: DnsRecord[] = [];
  for (const record of set.records) {
    if (record.zone !== 'domain') {
      elsewhere.push(record);
      continue;
    }
    lines.push(`; ${record.level}: ${record.purpose}`, recordLine(record));
  }
  if (elsewhere.length > 0) {
    lines.push(';', `; Not in the zone of ${set.domain}; publish these where they belong:`);
    for (const record of elsewhere) {
      const where = record.zone === 'reverse' ? 'ask the provider of the IP address' : `in the zone of ${set.hostname}`;
      lines.push(`; ${record.level}, ${where}: ${record.purpose}`, `; ${recordLine(record)}`);
    }
  }
  return lines.join('\n') + '\n';
}
