// Delivering a job to another server: through the relay when one applies, else to the
// destination's MX hosts in preference order (RFC 5321 §5.1), each host's addresses in turn,
// with opportunistic STARTTLS, or TLS with a verified certificate when the domain's MTA-STS
// policy is `enforce` (RFC 8461 §4.2, §5). Connection-level failures try the next host; once a
// server answers the transaction, its replies decide per recipient: 2xx sent, 4xx deferred,
// 5xx failed. The worker passes a connection slot so consecutive jobs reuse one connection.
import { createReadStream } from 'node:fs';
import { isIP } from 'node:net';
import { PassThrough, type Readable } from 'node:stream';
import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import type { DnsResolver } from '../dns/resolver.js';
import { enhancedStatus } from './dsn.js';
import { outcomesFor, type DeliveryJob, type RecipientOutcome } from './delivery-job.js';
import { hostAddresses, lookupMx, type MxHost } from './mx-lookup.js';
import { mxAllowed, type MtaStsPolicies, type StsPolicy } from './mta-sts.js';
import type { QueueFiles } from './queue-files.js';
import type { RelayConfig } from './relay-settings.js';
import { SmtpClientSession, type SmtpClientOptions, type SmtpFailure, type TlsPolicy } from './smtp-client.js';

export interface ConnectionSlot {
  session: SmtpClientSession | null;
  /** The host name the session is connected to (for Remote-MTA and logs). */
  host: string | null;
}

/** Give up on a host list after this many connection attempts (Postfix: smtp_mx_address_limit). */
const MAX_CONNECT_ATTEMPTS = 5;
/** Start a new connection after this many messages on one. */
const MAX_MESSAGES_PER_CONNECTION = 100;
const SMTP_PORT = 25;

export interface RemoteDeliveryDeps {
  config: Config;
  resolver: DnsResolver;
  files: QueueFiles;
  relay: RelayConfig;
  mtaSts: MtaStsPolicies;
  log: Logger;
  /** Extra CA certificates trusted for verified TLS (tests, private CAs). */
  trustedCa?: string[];
}

export class RemoteDelivery {
  constructor(private readonly deps: RemoteDeliveryDeps) {}

  private baseOptions(): Pick<SmtpClientOptions, 'clientName' | 'connectTimeoutMs' | 'greetingTimeoutMs' | 'commandTimeoutMs' | 'ca'> {
    const o = this.deps.config.outbound;
    return {
      clientName: this.deps.config.hostname,
      connectTimeoutMs: o.connectTimeoutSeconds * 1000,
      greetingTimeoutMs: o.greetingTimeoutSeconds * 1000,
      commandTimeoutMs: o.commandTimeoutSeconds * 1000,
      ca: this.deps.trustedCa,
    };
  }

  async deliver(job: DeliveryJob, slot: ConnectionSlot): Promise<RecipientOutcome[]> {
    if (slot.session && (!slot.session.usable || slot.session.messagesSent >= MAX_MESSAGES_PER_CONNECTION)) closeSlot(slot);
    if (slot.session) {
      try {
        return await this.transact(job, slot.session, slot.host ?? '');
      } catch (failure) {
        // The cached connection died between messages (e.g. the server's idle timeout): the
        // message was not accepted, so a fresh connection may try it.
        closeSlot(slot);
        const f = failure as SmtpFailure;
        if (!f.network || f.stage === 'DATA') return this.networkOutcomes(job, f, null);
      }
    }
    return job.route.kind === 'relay' ? this.viaRelay(job, slot) : this.viaMx(job, slot, job.route.kind === 'mx' ? job.route.domain : '');
  }

  private async viaMx(job: DeliveryJob, slot: ConnectionSlot, domain: string): Promise<RecipientOutcome[]> {
    const mx = await lookupMx(this.deps.resolver, domain);
    switch (mx.kind) {
      case 'null-mx':
        return outcomesFor(job, 'failed', `Domain ${domain} does not accept mail (null MX)`, '5.1.10');
      case 'no-domain':
        return outcomesFor(job, 'failed', `Host or domain name not found: ${domain}`, '5.1.2');
      case 'no-mail-host':
        return outcomesFor(job, 'failed', `Domain ${domain} has no mail server (no MX and no address)`, '5.4.4');
      case 'temp-error':
        return outcomesFor(job, 'deferred', mx.detail, '4.4.3');
    }
    let hosts: MxHost[] = mx.hosts;
    let policy: StsPolicy | null = null;
    if (this.deps.config.outbound.mtaSts) {
      policy = await this.deps.mtaSts.policyFor(domain);
      if (policy?.mode === 'enforce') {
        hosts = hosts.filter((h) => mxAllowed(policy!, h.name));
        if (hosts.length === 0) {
          return outcomesFor(job, 'deferred', `MTA-STS policy of ${domain} allows none of its MX hosts (${mx.hosts.map((h) => h.name).join(', ')})`, '4.7.5');
        }
      } else if (policy?.mode === 'testing') {
        for (const h of hosts) if (!mxAllowed(policy, h.name)) this.deps.log.warn({ domain, mx: h.name }, 'MTA-STS (testing): MX not in policy');
      }
    }
    const tls: TlsPolicy = policy?.mode === 'enforce' ? 'required-verified' : 'opportunistic';
    let attempts = 0;
    let last: { failure: SmtpFailure; host: string } | null = null;
    for (const host of hosts) {
      const addresses = await hostAddresses(this.deps.resolver, host.name);
      if (addresses.kind !== 'ok' || addresses.addresses.length === 0) {
        last = { failure: { reply: `no address for ${host.name}`, code: null, stage: 'DNS', network: true, tlsFailed: false }, host: host.name };
        continue;
      }
      for (const ip of addresses.addresses) {
        if (attempts++ >= MAX_CONNECT_ATTEMPTS) break;
        const opened = await this.connect({ ...this.baseOptions(), host: ip, port: SMTP_PORT, servername: host.name, tls }, domain);
        if ('failure' in opened) {
          last = { failure: opened.failure, host: `${host.name}[${ip}]` };
          continue;
        }
        slot.session = opened.session;
        slot.host = host.name;
        try {
          return await this.transact(job, opened.session, host.name);
        } catch (failure) {
          closeSlot(slot);
          return this.networkOutcomes(job, failure as SmtpFailure, host.name);
        }
      }
    }
    const f = last?.failure ?? { reply: `no reachable mail server for ${domain}`, code: null, stage: 'CONN', network: true, tlsFailed: false };
    const reply = f.code !== null ? f.reply : `connect to ${last?.host ?? domain}: ${f.reply}`;
    return outcomesFor(job, 'deferred', reply, f.tlsFailed || tls === 'required-verified' ? '4.7.5' : '4.4.1', f.code !== null ? last!.host : null);
  }

  /** Open a session; a failed opportunistic TLS handshake is retried in plain text (RFC 7435). */
  private async connect(options: SmtpClientOptions, domain: string): Promise<{ session: SmtpClientSession } | { failure: SmtpFailure }> {
    try {
      return { session: await SmtpClientSession.open(options) };
    } catch (failure) {
      const f = failure as SmtpFailure;
      if (f.tlsFailed && options.tls === 'opportunistic') {
        this.deps.log.warn({ domain, host: options.servername, ip: options.host, reply: f.reply }, 'TLS handshake failed; retrying without TLS');
        try {
          return { session: await SmtpClientSession.open({ ...options, tls: 'none' }) };
        } catch (again) {
          return { failure: again as SmtpFailure };
        }
      }
      return { failure: f };
    }
  }

  private async viaRelay(job: DeliveryJob, slot: ConnectionSlot): Promise<RecipientOutcome[]> {
    const relay = this.deps.relay.current();
    if (!relay) return outcomesFor(job, 'deferred', 'relay no longer configured', '4.3.5');
    let auth: { user: string; pass: string } | undefined;
    if (relay.username) {
      const pass = await this.deps.relay.password();
      if (pass === null) return outcomesFor(job, 'deferred', 'relay password missing from the secret store', '4.7.0');
      auth = { user: relay.username, pass };
    }
    let addresses = [relay.host];
    if (!isIP(relay.host)) {
      const found = await hostAddresses(this.deps.resolver, relay.host);
      if (found.kind === 'temp-error') return outcomesFor(job, 'deferred', found.detail, '4.4.3');
      if (found.kind !== 'ok' || found.addresses.length === 0) return outcomesFor(job, 'deferred', `relay host ${relay.host} not found`, '4.4.3');
      addresses = found.addresses;
    }
    const tls: TlsPolicy =
      relay.tls === 'tls' ? 'implicit' : relay.tls === 'none' ? 'none' : relay.verifyCertificate ? 'required-verified' : 'required';
    let last: SmtpFailure | null = null;
    for (const ip of addresses.slice(0, MAX_CONNECT_ATTEMPTS)) {
      try {
        const session = await SmtpClientSession.open({
          ...this.baseOptions(),
          host: ip,
          port: relay.port,
          servername: isIP(relay.host) ? undefined : relay.host,
          tls,
          verify: relay.verifyCertificate,
          auth,
        });
        slot.session = session;
        slot.host = relay.host;
        try {
          return await this.transact(job, session, relay.host);
        } catch (failure) {
          closeSlot(slot);
          return this.networkOutcomes(job, failure as SmtpFailure, relay.host);
        }
      } catch (failure) {
        last = failure as SmtpFailure;
      }
    }
    // Refused logins and TLS problems with our own relay are ours to fix: retry, never bounce.
    const reply = last ? (last.code !== null ? last.reply : `connect to relay ${relay.host}: ${last.reply}`) : 'relay unreachable';
    const status = last?.stage?.startsWith('AUTH') ? '4.7.0' : last?.tlsFailed ? '4.7.5' : '4.4.1';
    return outcomesFor(job, 'deferred', reply, status, last?.code !== null ? relay.host : null);
  }

  private messageStream(job: DeliveryJob): Readable {
    const out = new PassThrough();
    if (job.message.prefix) out.write(job.message.prefix);
    const file = createReadStream(this.deps.files.messagePath(job.message.id), { start: job.message.skipBytes });
    file.on('error', (err) => out.destroy(err));
    file.pipe(out);
    return out;
  }

  /** One transaction on an open session; throws an SmtpFailure if the connection breaks. */
  private async transact(job: DeliveryJob, session: SmtpClientSession, host: string): Promise<RecipientOutcome[]> {
    const byAddress = new Map(job.recipients.map((r) => [r.address, r]));
    const nonAscii = (a: string) => /[^\x00-\x7f]/.test(a);
    if ((nonAscii(job.message.sender) || job.recipients.some((r) => nonAscii(r.address))) && !session.extensions.includes('SMTPUTF8')) {
      // RFC 6531 §3.2: an internationalised address cannot go to a server without SMTPUTF8.
      return outcomesFor(job, 'failed', `${host} does not support SMTPUTF8, needed for an internationalised address`, '5.6.7', host);
    }
    const stream = this.messageStream(job);
    const result = await session.send(
      {
        from: job.message.sender,
        to: job.recipients.map((r) => r.address),
        size: job.message.size - job.message.skipBytes + Buffer.byteLength(job.message.prefix),
        use8BitMime: job.message.body8bit,
      },
      stream,
    );
    const refused = new Map(result.recipients.filter((r) => !r.ok).map((r) => [r.address, r]));
    const tls = session.tls;
    this.deps.log.debug({ queueId: job.message.id, host, tls: tls?.version ?? 'none' }, 'transaction done');
    return [...byAddress.values()].map((recipient) => {
      const own = refused.get(recipient.address);
      if (own) return { recipient, kind: own.code >= 500 ? 'failed' : 'deferred', reply: own.reply, statusCode: enhancedStatus(own.reply, own.code), remoteMta: host };
      if (result.ok) return { recipient, kind: 'sent', reply: result.dataReply, statusCode: enhancedStatus(result.dataReply, 250).replace(/^[45]/, '2'), remoteMta: host };
      const f = result.failure;
      const permanent = f.code !== null && f.code >= 500;
      return { recipient, kind: permanent ? 'failed' : 'deferred', reply: f.reply, statusCode: enhancedStatus(f.reply, f.code), remoteMta: host };
    });
  }

  private networkOutcomes(job: DeliveryJob, f: SmtpFailure, host: string | null): RecipientOutcome[] {
    const reply = f.code !== null ? f.reply : `lost connection${host ? ` with ${host}` : ''} while sending ${f.stage}: ${f.reply}`;
    return outcomesFor(job, 'deferred', reply, f.code !== null ? enhancedStatus(f.reply, f.code).replace(/^5/, '4') : '4.4.2', f.code !== null ? host : null);
  }
}

export function closeSlot(slot: ConnectionSlot): void {
  slot.session?.close();
  slot.session = null;
  slot.host = null;
}
