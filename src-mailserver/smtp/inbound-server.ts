// The port-25 listener (the MX role): takes mail for local recipients from anyone, never relays.
// EHLO advertises PIPELINING, 8BITMIME, SMTPUTF8, SIZE, ENHANCEDSTATUSCODES and STARTTLS. Each
// accepted message is spooled once, hard-linked into every local recipient's Maildir and
// committed to the index before the 250 (RFC 5321 §4.1.1.4, §6.1: we are responsible once we say
// so). Policy lives in recipient-policy.ts, abuse/inbound-guard.ts (limits, greylisting, the
// greeting pause) and spam/inbound-filter.ts (SPF/DKIM/DMARC/ARC, spam score, Junk or refusal);
// this file wires hooks, trace fields and logging.
import type { Logger } from 'pino';
import type { SMTPServerDataStream, SMTPServerOptions, SMTPServerSession, SMTPServerEnvelope } from 'smtp-server';
import { unlink } from 'node:fs/promises';
import type { Config } from '../config/config.js';
import type { Directory } from '../directory/directory.js';
import type { Account } from '../directory/accounts.js';
import type { DnsResolver } from '../dns/resolver.js';
import type { InboundGuard } from '../abuse/inbound-guard.js';
import { newId } from '../common/ids.js';
import { parseAddress } from '../mail/address.js';
import { receivedHeader, receivedProtocol, returnPathHeader } from '../mail/trace-headers.js';
import type { FieldPredicate } from '../mail/header-filter.js';
import type { FilterGroup, InboundFilter } from '../spam/inbound-filter.js';
import type { DeliveryOutcome } from '../store/delivery.js';
import type { MessageStore } from '../store/message-store.js';
import type { SpooledMessage } from '../store/spool.js';
import type { TlsProvider } from '../tls/tls-provider.js';
import { decideInboundRecipient } from './recipient-policy.js';
import { receiveMessage } from './receive-message.js';
import { MAIL_PARAMETERS, RCPT_PARAMETERS, Replies, smtpReply, unsupportedParameter } from './replies.js';
import { SmtpListener } from './listener.js';
import type { MetricsSink } from '../metrics/mail-metrics.js';

/** Where mail for remote targets (forwarding aliases) and failed local copies go: the queue. */
export interface Forwarder {
  enqueue(message: { spool: SpooledMessage; sender: string; recipients: string[]; reason: 'forward' | 'local-retry'; accounts?: Account[] }): Promise<string>;
}

export interface InboundDeps {
  config: Config;
  directory: Directory;
  store: MessageStore;
  tls: TlsProvider;
  resolver: DnsResolver;
  log: Logger;
  forwarder?: Forwarder;
  /** Abuse limits and greylisting; absent = none. */
  guard?: InboundGuard;
  /** Authentication checks and spam scoring; absent = messages are taken as they come. */
  filter?: InboundFilter;
  /** Counts accepted and refused messages for the dashboard. */
  metrics?: MetricsSink;
}

interface Transaction {
  id: string;
  accounts: Map<number, Account>;
  remote: Map<string, string>;
}

export function createInboundListener(deps: InboundDeps): SmtpListener {
  const { config, directory, store, log } = deps;
  const transactions = new WeakMap<SMTPServerEnvelope, Transaction>();
  const txnOf = (session: SMTPServerSession): Transaction => {
    let txn = transactions.get(session.envelope);
    if (!txn) transactions.set(session.envelope, (txn = { id: newId('q'), accounts: new Map(), remote: new Map() }));
    return txn;
  };

  /** The local domain the host name belongs to, else the first local domain. */
  const postmasterDomain = (): string | null => {
    const names = directory.domains.list().map((d) => d.name);
    const own = names.find((n) => config.hostname === n || config.hostname.endsWith(`.${n}`));
    return own ?? names[0] ?? null;
  };

  const options: SMTPServerOptions & { greetingDelay: number } = {
    name: config.hostname,
    banner: 'Homemail ESMTP',
    size: config.limits.maxMessageBytes,
    rejectOversized: true,
    maxRecipients: config.limits.maxRecipients,
    maxClients: config.limits.maxConnections,
    socketTimeout: config.limits.smtpIdleSeconds * 1000,
    greetingDelay: config.smtp.greetingDelayMs,
    authOptional: true,
    disabledCommands: ['AUTH'],
    hideENHANCEDSTATUSCODES: false,
    hideSMTPUTF8: false,
    hide8BITMIME: false,
    hidePIPELINING: false,
    key: deps.tls.keyPair.key,
    cert: deps.tls.keyPair.cert,
    SNICallback: deps.tls.sniCallback,
    logger: false,
    resolver: {
      reverse: (ip, cb) => {
        deps.resolver.reverse(ip).then(
          (names) => cb(null, names),
          (err: Error) => cb(err),
        );
      },
    },

    onConnect(session, callback) {
      log.debug({ cid: session.id, proto: 'smtp', remote: session.remoteAddress }, 'connect');
      if (!deps.guard) return callback();
      // While this waits (the greeting pause), a client that speaks is refused by smtp-server.
      deps.guard.connect(session).then(
        (refusal) => callback(refusal ? smtpReply(refusal.code, refusal.text) : undefined),
        (err: Error) => {
          log.error({ cid: session.id, proto: 'smtp', err }, 'connection check failed');
          callback();
        },
      );
    },

    onClose(session) {
      deps.guard?.close(session, session.error);
    },

    onMailFrom(address, session, callback) {
      const unknown = unsupportedParameter(address.args, MAIL_PARAMETERS);
      if (unknown) return callback(Replies.unknownParameter(unknown));
      const limited = deps.guard?.mailFrom(session);
      if (limited) return callback(smtpReply(limited.code, limited.text));
      log.debug({ cid: session.id, proto: 'smtp', from: address.address }, 'mail from');
      callback();
    },

    onRcptTo(address, session, callback) {
      const unknown = unsupportedParameter(address.args, RCPT_PARAMETERS);
      if (unknown) return callback(Replies.unknownParameter(unknown));
      const limited = deps.guard?.rcptTo(session);
      if (limited) return callback(smtpReply(limited.code, limited.text));
      const decision = decideInboundRecipient(directory.recipients, address.address, {
        canForward: deps.forwarder !== undefined,
        postmasterDomain: postmasterDomain(),
      });
      if (!decision.ok) {
        log.info(
          { cid: session.id, proto: 'smtp', remote: session.remoteAddress, from: fromOf(session), to: address.address, result: 'rejected', reason: decision.reason },
          'recipient refused',
        );
        deps.metrics?.count('rejected');
        if (!deps.guard || decision.reason === 'no-queue') return callback(decision.reply);
        // Unknown recipients: a tarpit past a few, then the connection is closed (421).
        const { delayMs, disconnect } = deps.guard.invalidRecipient(session);
        const reply = disconnect ? smtpReply(disconnect.code, disconnect.text) : decision.reply;
        if (delayMs === 0) return callback(reply);
        setTimeout(() => callback(reply), delayMs).unref();
        return;
      }
      if (deps.guard) {
        const domainName = address.address.includes('@') ? parseAddress(address.address)?.domain : postmasterDomain();
        const domain = domainName ? directory.domains.get(domainName) : undefined;
        const grey = domain ? deps.guard.greylistCheck(session, { sender: fromOf(session), recipient: address.address, domainId: domain.id }) : null;
        if (grey) return callback(smtpReply(grey.code, grey.text));
      }
      const txn = txnOf(session);
      for (const account of decision.resolution.accounts) {
        if (account.quotaBytes !== null || account.quotaMessages !== null) {
          const usage = store.index.accountUsage(account.id);
          if ((account.quotaBytes !== null && usage.bytes >= account.quotaBytes) || (account.quotaMessages !== null && usage.messages >= account.quotaMessages)) {
            log.info({ cid: session.id, proto: 'smtp', to: address.address, result: 'rejected', reason: 'quota' }, 'recipient refused');
            return callback(Replies.mailboxFull());
          }
        }
      }
      for (const account of decision.resolution.accounts) txn.accounts.set(account.id, account);
      for (const r of decision.resolution.remote) txn.remote.set(r.toLowerCase(), r);
      callback();
    },

    onData(stream, session, callback) {
      handleData(stream as SMTPServerDataStream, session).then(
        (reply) => callback(null, reply),
        (err: Error & { responseCode?: number }) => {
          if (!err.responseCode) {
            log.error({ cid: session.id, proto: 'smtp', err }, 'message not stored');
            return callback(Replies.tempFailure());
          }
          callback(err);
        },
      );
    },
  };

  async function handleData(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<string> {
    const txn = txnOf(session);
    const sender = fromOf(session);
    const rcpts = session.envelope.rcptTo.map((r) => r.address);
    const received = receivedHeader({
      helo: session.hostNameAppearsAs || '',
      reverseName: session.clientHostname && !session.clientHostname.startsWith('[') ? session.clientHostname : undefined,
      remoteAddress: session.remoteAddress,
      byHost: config.hostname,
      protocol: receivedProtocol({
        esmtp: session.openingCommand === 'EHLO',
        tls: session.secure,
        auth: Boolean(session.user),
        utf8: Boolean(session.envelope.smtpUtf8),
      }),
      id: txn.id,
      forRecipient: rcpts.length === 1 ? rcpts[0] : undefined,
      tls: session.secure && session.tlsOptions ? { version: session.tlsOptions.version ?? 'TLS', cipher: session.tlsOptions.name ?? '' } : undefined,
    });
    const inspection = deps.filter?.inspect({ cid: session.id, queueId: txn.id, remoteAddress: session.remoteAddress, helo: session.hostNameAppearsAs || '', sender }) ?? null;
    let result;
    try {
      result = await receiveMessage(store.dataDir, stream, inspection ?? undefined);
    } catch (err) {
      inspection?.abort();
      throw err;
    }
    const base = { cid: session.id, proto: 'smtp', remote: session.remoteAddress, queueId: txn.id, from: sender, to: rcpts };
    if (!result.ok) {
      inspection?.abort();
      log.info({ ...base, result: 'rejected', reason: 'size' }, 'message refused');
      throw Replies.tooBig(config.limits.maxMessageBytes);
    }
    const { staged, messageId } = result;
    const spools: SpooledMessage[] = [];
    try {
      const accounts = [...txn.accounts.values()];
      const remote = [...txn.remote.values()];
      let groups: FilterGroup[] = [{ prefix: '', accounts: accounts.map((account) => ({ account })), remote }];
      let dropField: FieldPredicate | undefined;
      if (inspection) {
        const decision = await inspection.decide(staged.head(), { accounts, remote });
        if (decision.refuse) {
          log.info({ ...base, msgid: messageId, result: 'rejected', reason: decision.refuse.reason }, 'message refused');
          throw smtpReply(decision.refuse.code, decision.refuse.text);
        }
        groups = decision.groups;
        dropField = decision.dropField;
      }
      // Recipients that share the added header fields share one file (hard links).
      const delivered: { spool: SpooledMessage; group: FilterGroup; outcomes: DeliveryOutcome[] }[] = [];
      for (const group of groups) {
        const spool = await staged.commit(returnPathHeader(sender) + group.prefix + received, dropField);
        spools.push(spool);
        const outcomes = await store.delivery.deliver(spool, group.accounts.map((a) => ({ account: a.account, mailbox: a.mailbox })));
        delivered.push({ spool, group, outcomes });
      }
      const allOutcomes = delivered.flatMap((d) => d.outcomes);
      const failedCount = allOutcomes.filter((o) => !o.ok).length;
      if (failedCount > 0 && failedCount === accounts.length && remote.length === 0) {
        const allQuota = allOutcomes.every((o) => !o.ok && o.reason === 'quota');
        log.warn({ ...base, msgid: messageId, size: staged.size, result: 'failed', reason: allQuota ? 'quota' : 'storage' }, 'message not delivered');
        throw allQuota ? Replies.mailboxFull() : Replies.tempFailure();
      }
      if (remote.length > 0 || failedCount > 0) {
        if (!deps.forwarder) {
          const failed = allOutcomes.filter((o) => !o.ok).map((o) => o.target.account.address);
          log.warn({ ...base, msgid: messageId, result: 'failed', reason: 'partial-no-queue', failed }, 'message partly delivered');
          throw Replies.tempFailure();
        }
        for (const { spool, group, outcomes } of delivered) {
          if (group.remote.length > 0) await deps.forwarder.enqueue({ spool, sender, recipients: group.remote, reason: 'forward' });
          const failed = outcomes.filter((o) => !o.ok).map((o) => o.target.account);
          if (failed.length > 0) {
            await deps.forwarder.enqueue({ spool, sender, recipients: failed.map((a) => a.address), reason: 'local-retry', accounts: failed });
          }
        }
      }
      const junk = groups.reduce((n, g) => n + g.accounts.filter((a) => a.mailbox === 'Junk').length, 0);
      log.info(
        {
          ...base,
          msgid: messageId,
          size: staged.size,
          result: 'delivered',
          local: accounts.length - failedCount,
          queued: remote.length + failedCount,
          ...(junk > 0 ? { junk } : {}),
        },
        'message accepted',
      );
      deps.metrics?.count('received');
      return `2.0.0 Ok: queued as ${txn.id}`;
    } finally {
      await staged.discard();
      await Promise.all(spools.map((spool) => unlink(spool.path).catch(() => undefined)));
    }
  }

  return new SmtpListener(options, deps.tls);
}

function fromOf(session: SMTPServerSession): string {
  return session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
}
