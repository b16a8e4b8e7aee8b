// Mail addresses and domain names: parsing, normalisation (IDNA A-labels for domains, NFC +
// lower case for local parts), the rules for names we create (accounts, aliases), and detection
// of the classic relay tricks (RFC 5321 §3.6.1 source routes, `%` hack, bang paths, quoted `@`).
import { domainToASCII, domainToUnicode } from 'node:url';

export interface MailAddress {
  /** Local part as given (NFC), case preserved. */
  local: string;
  /** Domain in lower-case ASCII (A-labels). */
  domain: string;
}

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * A domain name in canonical form (lower-case ASCII, IDNA A-labels), or null when it is not a
 * valid host name with at least two labels. A trailing dot is removed.
 */
export function normalizeDomain(input: string): string | null {
  let name = input.trim();
  if (name.endsWith('.')) name = name.slice(0, -1);
  if (!name || name.length > 253 || /[\s/\\@:[\]]/.test(name)) return null;
  const ascii = domainToASCII(name.normalize('NFC'));
  if (!ascii || ascii.length > 253) return null;
  const labels = ascii.split('.');
  if (labels.length < 2) return null;
  if (!labels.every((l) => LABEL.test(l))) return null;
  if (/^[0-9]+$/.test(labels[labels.length - 1] ?? '')) return null; // looks like an IP address
  return ascii;
}

/** The domain in Unicode, for display. */
export function displayDomain(ascii: string): string {
  return domainToUnicode(ascii) || ascii;
}

/** Local part as we compare it: NFC, lower case. */
export function normalizeLocalPart(local: string): string {
  return local.normalize('NFC').toLowerCase();
}

/**
 * Local parts we allow for accounts and aliases we create: letters and digits of any script,
 * `.`, `_`, `-`; no leading, trailing or doubled dot; at most 64 octets. Excludes `+` (the
 * sub-address separator) and everything that could be a path or relay trick.
 */
export function isValidNewLocalPart(local: string): boolean {
  if (!local || Buffer.byteLength(local) > 64) return false;
  if (!/^[\p{L}\p{N}._-]+$/u.test(local)) return false;
  if (local.startsWith('.') || local.endsWith('.') || local.includes('..')) return false;
  return true;
}

/**
 * Split `local@domain` (the last `@` separates) and normalise the domain. Returns null for
 * anything that is not a plain address. No quoting or comments: this is for envelope addresses
 * already unwrapped from `<>` and for names typed on the command line.
 */
export function parseAddress(input: string): MailAddress | null {
  const text = input.trim();
  const at = text.lastIndexOf('@');
  if (at <= 0 || at === text.length - 1) return null;
  const local = text.slice(0, at).normalize('NFC');
  if (/[\s\x00-\x1f\x7f<>]/.test(local) || Buffer.byteLength(local) > 64) return null;
  const domain = normalizeDomain(text.slice(at + 1));
  if (!domain) return null;
  return { local, domain };
}

/** The canonical lookup key of an address: normalised local part @ ASCII domain. */
export function addressKey(address: MailAddress): string {
  return `${normalizeLocalPart(address.local)}@${address.domain}`;
}

export function formatAddress(address: MailAddress): string {
  return `${address.local}@${address.domain}`;
}

/**
 * True when the local part tries to route mail somewhere else: the `%` hack
 * (`user%other@local`), a bang path (`other!user@local`), a quoted or embedded `@`, or a source
 * route remnant. Such recipients are refused as relay attempts, never delivered or forwarded.
 */
export function isRelayTrick(local: string): boolean {
  return /[%!@:"\\]/.test(local);
}

/** Split `user+tag` into the base and the tag (RFC 5233 sub-addressing). */
export function splitSubaddress(local: string): { base: string; tag: string | null } {
  const plus = local.indexOf('+');
  if (plus <= 0) return { base: local, tag: null };
  return { base: local.slice(0, plus), tag: local.slice(plus + 1) };
}
