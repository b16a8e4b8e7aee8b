// Message submission (RFC 6409) on 587 with STARTTLS (RFC 3207) required before AUTH, and on 465
// with implicit TLS (RFC 8314). AUTH PLAIN and LOGIN (RFC 4954) through the shared Authenticator
// and its failed-login limiter; the user may send only as addresses they own (sender-policy.ts),
// both in MAIL FROM and in the header From. Local recipients get the message at once, remote
// ones are queued DKIM-signed; the 250 comes after both are durable. No greeting delay here.
import { unlink } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { SMTPServerDataStream, SMTPServerOptions, SMTPServerSession, SMTPServerEnvelope } from 'smtp-server';
import type { Authenticator } from '../auth/authenticator.js';
import type { DkimSigner } from '../auth/dkim-signer.js';
import { newId } from '../common/ids.js';
import type { Config } from '../config/config.js';
import type { Account } from '../directory/accounts.js';
import type { Directory } from '../directory/directory.js';
import { parseAddress } from '../mail/address.js';
import { receivedHeader, receivedProtocol, returnPathHeader } from '../mail/trace-headers.js';
import type { MailDispatcher } from '../queue/dispatch.js';
import type { MessageStore } from '../store/message-store.js';
import type { TlsProvider } from '../tls/tls-provider.js';
import { SmtpListener } from './listener.js';
import { Replies } from './replies.js';
import { ownsAddress, SubmissionReplies } from './sender-policy.js';
import { receiveSubmission } from './submit-message.js';

export interface SubmissionDeps {
  config: Config;
  directory: Directory;
  store: MessageStore;
  tls: TlsProvider;
  authenticator: Authenticator;
  dispatcher: MailDispatcher;
  signer: DkimSigner;
  log: Logger;
  /** true: port 465, TLS from the first byte; false: port 587, STARTTLS. */
  implicitTls: boolean;
}

interface RcptDsn {
  dsn?: { notify?: string[]; orcpt?: string };
}

export function createSubmissionListener(deps: SubmissionDeps): SmtpListener {
  const { config, directory, store, log } = deps;
  const proto = deps.implicitTls ? 'smtps' : 'submission';
  const txnIds = new WeakMap<SMTPServerEnvelope, string>();
  const txnId = (session: SMTPServerSession) => {
    let id = txnIds.get(session.envelope);
    if (!id) txnIds.set(session.envelope, (id = newId('q')));
    return id;
  };
  /** The session's account, re-read so a disabled or removed account stops at once. */
  const accountOf = (session: SMTPServerSession): Account | null => {
    const address = typeof session.user === 'string' ? session.user : null;
    const account = address ? directory.accounts.get(address) : undefined;
    return account && !account.disabled ? account : null;
  };

  const options: SMTPServerOptions & { greetingDelay: number } = {
    name: config.hostname,
    banner: 'Homemail ESMTP submission',
    secure: deps.implicitTls,
    needsUpgrade: false,
    size: config.limits.maxMessageBytes,
    maxRecipients: config.limits.maxRecipients,
    maxClients: config.limits.maxConnections,
    socketTimeout: config.limits.smtpIdleSeconds * 1000,
    greetingDelay: 0,
    authMethods: ['PLAIN', 'LOGIN'],
    authOptional: false,
    allowInsecureAuth: false,
    hideSTARTTLS: deps.implicitTls,
    hideENHANCEDSTATUSCODES: false,
    hideSMTPUTF8: false,
    hide8BITMIME: false,
    hidePIPELINING: false,
    hideDSN: false,
    hideREQUIRETLS: true,
    key: deps.tls.keyPair.key,
    cert: deps.tls.keyPair.cert,
    SNICallback: deps.tls.sniCallback,
    logger: false,
    disableReverseLookup: true,

    onConnect(session, callback) {
      log.debug({ cid: session.id, proto, remote: session.remoteAddress }, 'connect');
      callback();
    },

    onAuth(auth, session, callback) {
      const a = auth as typeof auth & { authzid?: string; authcid?: string };
      if (a.method === 'PLAIN' && a.authzid && a.authcid && a.authzid !== a.authcid) {
        // No proxy authorisation: one may log in only as oneself.
        log.warn({ cid: session.id, proto, user: a.authcid }, 'login refused: authorisation identity differs');
        return callback(SubmissionReplies.authFailed());
      }
      deps.authenticator
        .authenticate({ username: auth.username ?? '', password: auth.password ?? '', ip: session.remoteAddress, proto, cid: session.id })
        .then(
          (result) => {
            if (result.ok) return callback(null, { user: result.account.address });
            callback(result.reason === 'locked' ? SubmissionReplies.authLocked() : SubmissionReplies.authFailed());
          },
          (err: unknown) => {
            log.error({ cid: session.id, proto, err }, 'authentication failed with an error');
            callback(Replies.tempFailure());
          },
        );
    },

    onMailFrom(address, session, callback) {
      const account = accountOf(session);
      if (!account) return callback(SubmissionReplies.authFailed());
      const sender = address.address;
      if (sender !== '' && !ownsAddress(directory, account, sender)) {
        log.info({ cid: session.id, proto, user: account.address, from: sender, result: 'rejected', reason: 'sender-not-owned' }, 'sender refused');
        return callback(SubmissionReplies.senderNotOwned(sender));
      }
      callback();
    },

    onRcptTo(address, session, callback) {
      const parsed = parseAddress(address.address);
      if (!parsed) return callback(SubmissionReplies.badRecipient());
      if (!directory.domains.isLocal(parsed.domain)) return callback();
      const resolution = directory.recipients.resolve(parsed);
      if (resolution.kind === 'relay-trick') return callback(Replies.relayDenied());
      if (resolution.kind !== 'deliver') {
        log.info({ cid: session.id, proto, to: address.address, result: 'rejected', reason: 'unknown-user' }, 'recipient refused');
        return callback(Replies.unknownUser());
      }
      for (const account of resolution.accounts) {
        if (account.quotaBytes === null && account.quotaMessages === null) continue;
        const usage = store.index.accountUsage(account.id);
        if ((account.quotaBytes !== null && usage.bytes >= account.quotaBytes) || (account.quotaMessages !== null && usage.messages >= account.quotaMessages)) {
          return callback(Replies.mailboxFull());
        }
      }
      callback();
    },

    onData(stream, session, callback) {
      handleData(stream as SMTPServerDataStream, session).then(
        (reply) => callback(null, reply),
        (err: Error & { responseCode?: number }) => {
          if (!err.responseCode) {
            log.error({ cid: session.id, proto, err }, 'message not stored');
            return callback(Replies.tempFailure());
          }
          callback(err);
        },
      );
    },
  };

  async function handleData(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<string> {
    const account = accountOf(session);
    if (!account) throw SubmissionReplies.authFailed();
    const id = txnId(session);
    const sender = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
    const rcpts = session.envelope.rcptTo;
    const trace =
      returnPathHeader(sender) +
      receivedHeader({
        helo: session.hostNameAppearsAs || '',
        remoteAddress: session.remoteAddress,
        byHost: config.hostname,
        protocol: receivedProtocol({ esmtp: session.openingCommand === 'EHLO', tls: session.secure, auth: true, utf8: Boolean(session.envelope.smtpUtf8) }),
        id,
        forRecipient: rcpts.length === 1 ? rcpts[0]!.address : undefined,
        tls: session.secure && session.tlsOptions ? { version: session.tlsOptions.version ?? 'TLS', cipher: session.tlsOptions.name ?? '' } : undefined,
      });
    const base = { cid: session.id, proto, user: account.address, queueId: id, from: sender, to: rcpts.map((r) => r.address) };
    const result = await receiveSubmission({
      dataDir: store.dataDir,
      stream,
      traceHeaders: trace,
      envelopeSender: sender,
      hostname: config.hostname,
      mayUseFrom: (address) => ownsAddress(directory, account, address),
      signer: deps.signer,
      onSignError: (err) => log.error({ ...base, err }, 'DKIM signing failed'),
    });
    if (!result.ok) {
      log.info({ ...base, result: 'rejected', reason: result.reason }, 'message refused');
      switch (result.reason) {
        case 'too-big':
          throw Replies.tooBig(config.limits.maxMessageBytes);
        case 'header-too-large':
          throw SubmissionReplies.headerTooLarge();
        case 'no-from':
          throw SubmissionReplies.noFrom();
        case 'from-not-owned':
          throw SubmissionReplies.fromNotOwned();
      }
    }
    const dsn = (session.envelope as SMTPServerEnvelope & { dsn?: { ret?: string | null; envid?: string | null } }).dsn;
    try {
      const outcome = await deps.dispatcher.dispatch({
        spool: result.spool,
        sender,
        recipients: rcpts.map((r) => {
          const d = (r as typeof r & RcptDsn).dsn;
          return { address: r.address, notify: d?.notify?.length ? d.notify.join(',') : null, orcpt: d?.orcpt ?? null };
        }),
        origin: 'submission',
        id,
        prefix: result.signature,
        accountId: account.id,
        messageId: result.messageId,
        subject: result.subject,
        body8bit: result.body8bit || session.envelope.bodyType === '8bitmime',
        smtputf8: Boolean(session.envelope.smtpUtf8),
        dsnRet: dsn?.ret === 'FULL' || dsn?.ret === 'HDRS' ? dsn.ret : null,
        dsnEnvid: dsn?.envid ?? null,
      });
      log.info(
        {
          ...base,
          msgid: result.messageId,
          size: result.spool.size,
          result: 'accepted',
          local: outcome.delivered,
          queued: outcome.queued,
          dkim: result.signature ? 'signed' : 'unsigned',
          added: result.added.length ? result.added : undefined,
        },
        'message submitted',
      );
      return `2.0.0 Ok: queued as ${outcome.queueId ?? id}`;
    } finally {
      await unlink(result.spool.path).catch(() => undefined);
    }
  }

  return new SmtpListener(options, deps.tls);
}
