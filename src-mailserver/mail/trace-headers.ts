// Trace header fields added when we take responsibility for a message: Received (RFC 5321 §4.4,
// protocol names from RFC 3848 / RFC 6531) and Return-Path (RFC 5321 §4.4, added at delivery).
import { rfc5322Date } from '../common/clock.js';

export interface ReceivedInfo {
  /** The name the client gave in HELO/EHLO. */
  helo: string;
  /** Reverse DNS name of the client, when known. */
  reverseName?: string;
  remoteAddress: string;
  /** Our host name. */
  byHost: string;
  /** SMTP, ESMTP, ESMTPS, ESMTPA, ESMTPSA, UTF8SMTP ... */
  protocol: string;
  id: string;
  /** Named only for a single recipient (RFC 5321 §4.4 privacy note). */
  forRecipient?: string;
  tls?: { version: string; cipher: string };
  date?: Date;
}

/** Printable ASCII only, no comment delimiters, bounded length. */
function clean(text: string, max = 255): string {
  return text.replace(/[^\x21-\x7e]/g, '?').replace(/[()\\]/g, '?').slice(0, max);
}

/** IPv6 in an address literal carries the `IPv6:` tag (RFC 5321 §4.1.3). */
function addressLiteral(ip: string): string {
  const plain = ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
  return plain.includes(':') ? `IPv6:${plain}` : plain;
}

/** The whole `Received:` field, folded, ending with CRLF. */
export function receivedHeader(info: ReceivedInfo): string {
  const from = `from ${clean(info.helo || 'unknown')} (${info.reverseName ? clean(info.reverseName) + ' ' : ''}[${addressLiteral(info.remoteAddress)}])`;
  const tls = info.tls ? ` (${clean(info.tls.version, 20)}:${clean(info.tls.cipher, 80)})` : '';
  const by = `by ${clean(info.byHost)} with ${info.protocol}${tls} id ${clean(info.id, 64)}`;
  const rcpt = info.forRecipient ? `\r\n\tfor <${clean(info.forRecipient, 320)}>` : '';
  return `Received: ${from}\r\n\t${by}${rcpt};\r\n\t${rfc5322Date(info.date)}\r\n`;
}

/** `Return-Path: <sender>`; the null sender gives `<>`. */
export function returnPathHeader(sender: string): string {
  return `Return-Path: <${sender.replace(/[\r\n\x00]/g, '')}>\r\n`;
}

/** RFC 3848 / RFC 6531 protocol keyword for the `with` clause. */
export function receivedProtocol(opts: { esmtp: boolean; tls: boolean; auth: boolean; utf8: boolean }): string {
  if (!opts.esmtp) return 'SMTP';
  const base = opts.utf8 ? 'UTF8SMTP' : 'ESMTP';
  return base + (opts.tls ? 'S' : '') + (opts.auth ? 'A' : '');
}
