// Sending delivery status notifications for queued messages: failures (permanent errors, expiry,
// "bounce now"), delay notices, and success notices for recipients that asked (NOTIFY=SUCCESS:
// "relayed" when handed to a server that was not asked to report, RFC 3461 §6.2.4.1). Never to the null sender, so a DSN never causes another; the
// recipient's NOTIFY (RFC 3461 §4.1) is honoured. The DSN travels with the null sender, DKIM-signed
// for our host's domain when we have keys, into a local sender's INBOX or through the queue.
import { open, unlink } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { DkimSigner } from '../auth/dkim-signer.js';
import { SpoolWriter } from '../store/spool.js';
import type { MailDispatcher } from './dispatch.js';
import { composeDsn, type DsnAction, type DsnRecipient } from './dsn.js';
import { readHeaderInfo } from './queue-intake.js';
import type { QueueFiles } from './queue-files.js';
import type { QueuedMessage, QueuedRecipient } from './queue-store.js';

/** RET=FULL returns the whole message only up to this size; beyond it, the header. */
const FULL_RETURN_LIMIT = 256 * 1024;

/** Whether a recipient's NOTIFY asks for this kind of report (no NOTIFY: failures and delays). */
export function wantsNotice(notify: string | null, action: DsnAction): boolean {
  if (!notify) return action === 'failed' || action === 'delayed';
  const words = notify.toUpperCase().split(',').map((w) => w.trim());
  if (words.includes('NEVER')) return false;
  if (action === 'failed') return words.includes('FAILURE');
  if (action === 'delayed') return words.includes('DELAY');
  return words.includes('SUCCESS');
}

export class BounceSender {
  constructor(
    private readonly dataDir: string,
    private readonly hostname: string,
    private readonly files: QueueFiles,
    private readonly dispatcher: MailDispatcher,
    private readonly signer: DkimSigner,
    private readonly log: Logger,
  ) {}

  /**
   * Report `recipients` of `message` to its sender. Resolves once the report is delivered or
   * queued (durably); resolves false when no report is due (null sender, NOTIFY).
   */
  async notify(message: QueuedMessage, recipients: QueuedRecipient[], action: 'failed' | 'delayed' | 'delivered' | 'relayed', now = Date.now()): Promise<boolean> {
    if (message.sender === '') return false;
    const reported = recipients.filter((r) => wantsNotice(r.notify, action));
    if (reported.length === 0) return false;
    const path = this.files.messagePath(message.id);
    let header = '';
    let original: Buffer | null = null;
    try {
      header = (await readHeaderInfo(path)).header.replace(/^Return-Path:[^\r\n]*\r?\n/i, '');
      if (message.dsnRet === 'FULL' && message.size <= FULL_RETURN_LIMIT) {
        const fh = await open(path, 'r');
        try {
          original = (await fh.readFile()).subarray(message.skipBytes);
        } finally {
          await fh.close();
        }
      }
    } catch (err) {
      this.log.warn({ queueId: message.id, err }, 'original message unreadable for the report');
    }
    const dsnRecipients: DsnRecipient[] = reported.map((r) => ({
      address: r.address,
      originalRecipient: r.orcpt,
      action,
      status: r.statusCode ?? (action === 'failed' ? '5.0.0' : action === 'delayed' ? '4.0.0' : '2.0.0'),
      remoteMta: r.remoteMta,
      diagnostic: r.lastReply,
      diagnosticIsSmtp: r.remoteMta !== null && /^\d{3}[ -]/.test(r.lastReply ?? ''),
      lastAttempt: r.lastAttemptAt ? new Date(r.lastAttemptAt) : null,
      willRetryUntil: action === 'delayed' ? new Date(message.expiresAt) : null,
    }));
    const dsn = composeDsn({
      reportingMta: this.hostname,
      from: `MAILER-DAEMON@${this.hostname}`,
      to: message.sender,
      arrivalDate: new Date(message.createdAt),
      envid: message.dsnEnvid,
      recipients: dsnRecipients,
      originalHeader: header,
      originalMessage: original,
      originalMessageId: message.messageId,
      queueId: message.id,
      date: new Date(now),
    });
    const signingDomain = this.signer.signingDomainFor(this.hostname);
    const prefix = signingDomain ? await this.signer.sign(dsn, signingDomain, (err) => this.log.warn({ err }, 'DKIM signing of a report failed')) : '';
    const writer = await SpoolWriter.create(this.dataDir);
    let spoolPath: string | null = writer.path;
    try {
      await writer.writeHeader('Return-Path: <>\r\n');
      await writer.write(dsn);
      const spool = await writer.finish();
      const result = await this.dispatcher.dispatch({
        spool,
        sender: '',
        recipients: [{ address: message.sender, notify: 'NEVER' }],
        origin: 'dsn',
        prefix,
      });
      this.log.info(
        { queueId: message.id, dsnQueueId: result.queueId, to: message.sender, action, recipients: reported.map((r) => r.address), local: result.delivered },
        action === 'failed' ? 'bounce sent' : action === 'delayed' ? 'delay notice sent' : 'success notice sent',
      );
      if (result.unknown.length > 0) this.log.warn({ queueId: message.id, to: message.sender }, 'report dropped: the sender is no local address');
    } catch (err) {
      await writer.abort();
      spoolPath = null;
      throw err;
    } finally {
      if (spoolPath) await unlink(spoolPath).catch(() => undefined);
    }
    return true;
  }
}
