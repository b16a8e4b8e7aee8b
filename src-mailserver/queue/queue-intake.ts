// Taking a message into the queue: hard-link the fsync'd spool file in, write the envelope file,
// fsync, commit the rows, wake the scheduler. When `add` resolves the message is safe (DESIGN.md
// durability rule), so a 250 may follow. Also the Forwarder the port-25 listener calls for
// forwarding-alias targets and for local deliveries that must be retried.
import { open } from 'node:fs/promises';
import type { Config } from '../config/config.js';
import type { Account } from '../directory/accounts.js';
import { newId } from '../common/ids.js';
import { parseAddress } from '../mail/address.js';
import { fieldValues, findHeaderEnd, parseHeaderFields } from '../mail/header-fields.js';
import type { SpooledMessage } from '../store/spool.js';
import type { QueueFiles } from './queue-files.js';
import type { NewMessage, NewRecipient, QueueOrigin, QueueStore } from './queue-store.js';

export interface RecipientInput {
  address: string;
  /** Deliver into this local account (local retries); the domain is the account's. */
  accountId?: number | null;
  notify?: string | null;
  orcpt?: string | null;
}

export interface QueueAddRequest {
  /** The fsync'd file to take (hard-linked, not copied); the caller still owns its own link. */
  source: string;
  size: number;
  sender: string;
  recipients: RecipientInput[];
  origin: QueueOrigin;
  /** Header fields sent before the file to other servers (DKIM-Signature). */
  prefix?: string;
  accountId?: number | null;
  /** Taken from the file when not given. */
  messageId?: string | null;
  subject?: string | null;
  body8bit?: boolean;
  smtputf8?: boolean;
  dsnRet?: 'FULL' | 'HDRS' | null;
  dsnEnvid?: string | null;
  /** Queue id to use (the SMTP transaction's id, so logs and the 250 reply agree). */
  id?: string;
}

const HEADER_READ_LIMIT = 64 * 1024;

/** What the queue wants from a message file's start: our Return-Path's length, Message-ID, Subject. */
export async function readHeaderInfo(path: string): Promise<{ skipBytes: number; messageId: string | null; subject: string | null; header: string }> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(HEADER_READ_LIMIT);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    const text = buf.subarray(0, bytesRead).toString('latin1');
    const rp = /^Return-Path:[^\r\n]*\r?\n/i.exec(text);
    const end = findHeaderEnd(text);
    const header = end < 0 ? text : text.slice(0, end).replace(/\r?\n\r?\n$/, '\r\n');
    const fields = parseHeaderFields(header);
    const decode = (v: string | undefined) => (v === undefined ? null : Buffer.from(v, 'latin1').toString('utf8').slice(0, 500));
    return {
      skipBytes: rp ? Buffer.byteLength(rp[0], 'latin1') : 0,
      messageId: decode(fieldValues(fields, 'Message-ID')[0]),
      subject: decode(fieldValues(fields, 'Subject')[0]),
      header,
    };
  } finally {
    await fh.close();
  }
}

export class QueueIntake {
  constructor(
    private readonly config: Config,
    private readonly store: QueueStore,
    private readonly files: QueueFiles,
    private readonly onAdded: (id: string) => void,
    private readonly now: () => number = Date.now,
  ) {}

  async add(req: QueueAddRequest): Promise<string> {
    if (req.recipients.length === 0) throw new Error('a queued message needs recipients');
    const id = req.id && !this.store.has(req.id) ? req.id : newId('q');
    const now = this.now();
    const info = await readHeaderInfo(req.source);
    const { lifetimeSeconds, delayNoticeSeconds } = this.config.queue;
    const message: NewMessage = {
      id,
      sender: req.sender,
      size: req.size,
      skipBytes: info.skipBytes,
      prefix: req.prefix ?? '',
      messageId: req.messageId !== undefined ? req.messageId : info.messageId,
      subject: req.subject !== undefined ? req.subject : info.subject,
      origin: req.origin,
      accountId: req.accountId ?? null,
      body8bit: req.body8bit ?? false,
      smtputf8: req.smtputf8 ?? false,
      dsnRet: req.dsnRet ?? null,
      dsnEnvid: req.dsnEnvid ?? null,
      createdAt: now,
      expiresAt: now + lifetimeSeconds * 1000,
      delayNoticeAt: delayNoticeSeconds > 0 && req.sender !== '' ? now + delayNoticeSeconds * 1000 : null,
    };
    const seen = new Set<string>();
    const recipients: NewRecipient[] = [];
    for (const r of req.recipients) {
      const key = `${r.accountId ?? ''}:${r.address.toLowerCase()}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const domain = parseAddress(r.address)?.domain ?? r.address.slice(r.address.lastIndexOf('@') + 1).toLowerCase();
      recipients.push({ address: r.address, domain, accountId: r.accountId ?? null, notify: r.notify ?? null, orcpt: r.orcpt ?? null });
    }
    await this.files.add(id, req.source, { version: 1, message, recipients });
    try {
      this.store.insert(message, recipients);
    } catch (err) {
      await this.files.removeEnvelope(id).catch(() => undefined);
      await this.files.removeMessage(id);
      throw err;
    }
    this.onAdded(id);
    return id;
  }

  /** The port-25 listener's Forwarder (smtp/inbound-server.ts). */
  enqueue = (message: { spool: SpooledMessage; sender: string; recipients: string[]; reason: 'forward' | 'local-retry'; accounts?: Account[] }): Promise<string> => {
    const recipients: RecipientInput[] =
      message.reason === 'local-retry' && message.accounts
        ? message.accounts.map((a) => ({ address: a.address, accountId: a.id }))
        : message.recipients.map((address) => ({ address }));
    return this.add({ source: message.spool.path, size: message.spool.size, sender: message.sender, recipients, origin: message.reason });
  };
}
