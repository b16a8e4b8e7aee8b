// Delivery status notifications (RFC 3464): a multipart/report (RFC 6522) with a human-readable
// part, a message/delivery-status part (per-message and per-recipient fields) and the original
// message's header (text/rfc822-headers) or, for RET=FULL and a small message, the whole message.
// Addresses outside ASCII use the utf-8 address type and message/global-delivery-status (RFC 6533).
// Pure: the caller decides who receives it (never the null sender) and how it travels.
import { randomBytes } from 'node:crypto';
import { rfc5322Date } from '../common/clock.js';

export type DsnAction = 'failed' | 'delayed' | 'delivered' | 'relayed';

export interface DsnRecipient {
  address: string;
  /** ORCPT as given to us (`rfc822;addr`), when there was one. */
  originalRecipient?: string | null;
  action: DsnAction;
  /** Enhanced status code, e.g. 5.1.1. */
  status: string;
  remoteMta?: string | null;
  /** The remote server's reply, or our own explanation. */
  diagnostic?: string | null;
  /** True when the diagnostic is an SMTP reply from `remoteMta`. */
  diagnosticIsSmtp?: boolean;
  lastAttempt?: Date | null;
  willRetryUntil?: Date | null;
}

export interface DsnInput {
  reportingMta: string;
  /** Who the report is from: `MAILER-DAEMON@<reporting host>`. */
  from: string;
  /** The original envelope sender (never empty: no reports to the null sender). */
  to: string;
  arrivalDate: Date;
  envid?: string | null;
  recipients: DsnRecipient[];
  /** The original header section (CRLF line ends, without the final empty line). */
  originalHeader: string;
  /** The whole original message, when RET=FULL asked for it and it is small enough. */
  originalMessage?: Buffer | null;
  originalMessageId?: string | null;
  queueId: string;
  date?: Date;
}

const NON_ASCII = /[^\x00-\x7f]/;

/** Fold a structured field value so no line passes ~78 characters (RFC 5322 §2.2.3). */
function fold(name: string, value: string): string {
  const words = value.replace(/[\r\n]+/g, ' ').split(' ');
  let line = `${name}:`;
  const lines: string[] = [];
  for (const word of words) {
    if (line.length + 1 + word.length > 78 && line.trim().length > name.length + 1) {
      lines.push(line);
      line = '\t' + word;
    } else {
      line += ' ' + word;
    }
  }
  lines.push(line);
  return lines.join('\r\n') + '\r\n';
}

function addressType(address: string): string {
  return NON_ASCII.test(address) ? `utf-8; ${address}` : `rfc822; ${address}`;
}

function cleanText(text: string): string {
  return text.replace(/[\x00-\x08\x0b-\x1f\x7f]/g, ' ').replace(/\s+/g, ' ').trim();
}

function humanText(input: DsnInput): string {
  const failed = input.recipients.filter((r) => r.action === 'failed');
  const delayed = input.recipients.filter((r) => r.action === 'delayed');
  const delivered = input.recipients.filter((r) => r.action === 'delivered' || r.action === 'relayed');
  const out: string[] = [`This is the mail system at host ${input.reportingMta}.`, ''];
  if (failed.length > 0) {
    out.push("I'm sorry to have to inform you that your message could not", 'be delivered to one or more recipients. The details are below.', '');
    for (const r of failed) out.push(`<${r.address}>: ${cleanText(r.diagnostic ?? r.status)}`);
    out.push('');
  }
  if (delayed.length > 0) {
    out.push('Your message has not been delivered yet to the recipients below.', 'The mail system will keep trying; you do not need to send it again.', '');
    for (const r of delayed) {
      const until = r.willRetryUntil ? ` (will keep trying until ${rfc5322Date(r.willRetryUntil)})` : '';
      out.push(`<${r.address}>: ${cleanText(r.diagnostic ?? r.status)}${until}`);
    }
    out.push('');
  }
  if (delivered.length > 0) {
    out.push('Your message was delivered to the recipients below.', '');
    for (const r of delivered) out.push(`<${r.address}>: ${cleanText(r.diagnostic ?? r.status)}`);
    out.push('');
  }
  return out.join('\r\n');
}

function statusFields(input: DsnInput): string {
  let text = `Reporting-MTA: dns; ${input.reportingMta}\r\n`;
  text += `X-Queue-ID: ${input.queueId}\r\n`;
  if (input.envid) text += `Original-Envelope-Id: ${cleanText(input.envid)}\r\n`;
  text += `Arrival-Date: ${rfc5322Date(input.arrivalDate)}\r\n`;
  for (const r of input.recipients) {
    text += '\r\n';
    if (r.originalRecipient) text += `Original-Recipient: ${cleanText(r.originalRecipient)}\r\n`;
    text += `Final-Recipient: ${addressType(r.address)}\r\n`;
    text += `Action: ${r.action}\r\n`;
    text += `Status: ${r.status}\r\n`;
    if (r.remoteMta) text += `Remote-MTA: dns; ${cleanText(r.remoteMta)}\r\n`;
    if (r.diagnostic) text += fold('Diagnostic-Code', `${r.diagnosticIsSmtp ? 'smtp' : 'x-homemail'}; ${cleanText(r.diagnostic)}`);
    if (r.lastAttempt) text += `Last-Attempt-Date: ${rfc5322Date(r.lastAttempt)}\r\n`;
    if (r.willRetryUntil) text += `Will-Retry-Until: ${rfc5322Date(r.willRetryUntil)}\r\n`;
  }
  return text;
}

/** The whole DSN message, CRLF line ends, ready to spool. */
export function composeDsn(input: DsnInput): Buffer {
  const boundary = `${input.queueId}.${randomBytes(6).toString('hex')}/${input.reportingMta}`;
  const actions = new Set(input.recipients.map((r) => r.action));
  const subject = actions.has('failed')
    ? 'Undelivered Mail Returned to Sender'
    : actions.has('delayed')
      ? 'Delayed Mail (still being retried)'
      : 'Successful Mail Delivery Report';
  const global = input.recipients.some((r) => NON_ASCII.test(r.address)) || NON_ASCII.test(input.to);
  const date = input.date ?? new Date();
  const host = input.reportingMta;
  let head = '';
  head += `From: Mail Delivery System <${input.from}>\r\n`;
  head += `To: <${input.to}>\r\n`;
  head += `Subject: ${subject}\r\n`;
  head += `Date: ${rfc5322Date(date)}\r\n`;
  head += `Message-ID: <${input.queueId}.${randomBytes(4).toString('hex')}@${host}>\r\n`;
  if (input.originalMessageId) {
    const id = cleanText(input.originalMessageId);
    if (/^<[^<>\s]+>$/.test(id)) head += `In-Reply-To: ${id}\r\nReferences: ${id}\r\n`;
  }
  head += 'Auto-Submitted: auto-replied\r\n';
  head += 'MIME-Version: 1.0\r\n';
  head += `Content-Type: multipart/report; report-type=delivery-status;\r\n\tboundary="${boundary}"\r\n`;
  head += 'Content-Transfer-Encoding: 8bit\r\n';
  head += '\r\n';
  head += 'This is a MIME-encapsulated message.\r\n\r\n';

  let body = '';
  body += `--${boundary}\r\n`;
  body += 'Content-Description: Notification\r\n';
  body += 'Content-Type: text/plain; charset=utf-8\r\n';
  body += 'Content-Transfer-Encoding: 8bit\r\n\r\n';
  body += humanText(input) + '\r\n';
  body += `--${boundary}\r\n`;
  body += 'Content-Description: Delivery report\r\n';
  body += `Content-Type: message/${global ? 'global-delivery-status' : 'delivery-status'}\r\n\r\n`;
  body += statusFields(input) + '\r\n';
  body += `--${boundary}\r\n`;
  const parts: Buffer[] = [Buffer.from(head + body, 'utf8')];
  if (input.originalMessage) {
    parts.push(Buffer.from('Content-Description: Undelivered Message\r\nContent-Type: message/rfc822\r\nContent-Transfer-Encoding: 8bit\r\n\r\n'));
    parts.push(input.originalMessage);
    if (!input.originalMessage.subarray(-2).equals(Buffer.from('\r\n'))) parts.push(Buffer.from('\r\n'));
  } else {
    const which = actions.has('failed') ? 'Undelivered Message' : actions.has('delayed') ? 'Delayed Message' : 'Message';
    parts.push(Buffer.from(`Content-Description: ${which} Headers\r\nContent-Type: text/rfc822-headers\r\n\r\n`));
    let header = input.originalHeader.replace(/\r?\n/g, '\r\n');
    if (!header.endsWith('\r\n')) header += '\r\n';
    parts.push(Buffer.from(header, 'latin1'));
  }
  parts.push(Buffer.from(`\r\n--${boundary}--\r\n`));
  return Buffer.concat(parts);
}

/** The enhanced status code at the start of a reply text (`550 5.1.1 ...`), else one from the class. */
export function enhancedStatus(reply: string, code: number | null): string {
  const m = /^\d{3}[ -]([245]\.\d{1,3}\.\d{1,3})\b/.exec(reply) ?? /^([245]\.\d{1,3}\.\d{1,3})\b/.exec(reply);
  if (m) return m[1]!;
  if (code !== null && code >= 500) return '5.0.0';
  return '4.0.0';
}
