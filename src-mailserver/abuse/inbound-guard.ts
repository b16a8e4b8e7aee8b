// Abuse limits of the port-25 listener, per client address: simultaneous connections and
// connections per minute, MAIL FROM and RCPT TO per minute, unknown recipients per session
// (each reply delayed past a threshold, then 421 and disconnect), greylisting, and the greeting
// pause that catches early talkers (RFC 5321 §4.3.1: the client waits for the greeting) only
// under load or for suspicious clients. Trusted networks skip all of it. Every refusal is
// logged with its reason; the SMTP reply text is fixed.
import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import { Greylist } from './greylist.js';
import { NetworkList, plainAddress } from './ip-networks.js';
import { RateWindow } from './rate-window.js';
import { SuspicionList } from './suspicion-list.js';

/** A refusal for the protocol layer to send: code and text (enhanced status code first). */
export interface GuardRefusal {
  code: number;
  text: string;
  reason: string;
}

export interface ClientRef {
  /** Connection id, for the log. */
  id: string;
  remoteAddress: string;
}

interface SessionState {
  ip: string;
  invalidRecipients: number;
}

export const GuardReplies = {
  tooManyConnections: { code: 421, text: '4.7.0 Too many connections from your address, try again later' },
  tooManyMessages: { code: 450, text: '4.7.1 Too many messages from your address, try again later' },
  tooManyRecipients: { code: 450, text: '4.7.1 Too many recipients from your address, try again later' },
  tooManyInvalid: { code: 421, text: '4.7.0 Too many invalid recipients, closing connection' },
  greylisted: { code: 451, text: '4.7.1 Greylisted, please try again later' },
} as const;

const MINUTE = 60_000;

export class InboundGuard {
  readonly trusted: NetworkList;
  readonly suspicion: SuspicionList;
  private readonly open = new Map<string, number>();
  private readonly sessions = new Map<string, SessionState>();
  private readonly connectionRate: RateWindow;
  private readonly messageRate: RateWindow;
  private readonly recipientRate: RateWindow;
  private totalOpen = 0;

  constructor(
    private readonly config: Config,
    readonly greylist: Greylist,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {
    const a = config.abuse;
    this.trusted = new NetworkList(config.trust.trustedNetworks);
    this.suspicion = new SuspicionList(a.greetingPause.rememberMinutes * MINUTE, now);
    const unit = a.rateTimeUnitSeconds * 1000;
    this.connectionRate = new RateWindow(a.connectionsPerMinutePerIp, unit, now);
    this.messageRate = new RateWindow(a.messagesPerMinutePerIp, unit, now);
    this.recipientRate = new RateWindow(a.recipientsPerMinutePerIp, unit, now);
  }

  isTrusted(ip: string): boolean {
    return this.trusted.has(ip);
  }

  /** Connections currently open (every client, trusted ones included). */
  get openConnections(): number {
    return this.totalOpen;
  }

  /**
   * A new connection: null to go on (after the greeting pause, when one applies) or a refusal.
   * Must be paired with `close` once the connection ends.
   */
  async connect(client: ClientRef): Promise<GuardRefusal | null> {
    const ip = plainAddress(client.remoteAddress);
    this.totalOpen++;
    const count = (this.open.get(ip) ?? 0) + 1;
    this.open.set(ip, count);
    this.sessions.set(client.id, { ip, invalidRecipients: 0 });
    if (this.isTrusted(ip)) return null;
    const a = this.config.abuse;
    if (a.maxConnectionsPerIp > 0 && count > a.maxConnectionsPerIp) {
      return this.refuse(client, ip, GuardReplies.tooManyConnections, 'connections-per-ip', { limit: a.maxConnectionsPerIp, count });
    }
    const rate = this.connectionRate.hit(ip);
    if (!rate.allowed) {
      return this.refuse(client, ip, GuardReplies.tooManyConnections, 'connection-rate', { limit: a.connectionsPerMinutePerIp, retryAfterMs: rate.retryAfterMs });
    }
    const pause = this.greetingPause(ip);
    if (pause) {
      this.log.info({ cid: client.id, proto: 'smtp', remote: ip, pauseMs: pause.ms, reason: pause.reason }, 'greeting paused');
      await new Promise((resolve) => setTimeout(resolve, pause.ms).unref());
    }
    return null;
  }

  /** Why and how long this client's greeting waits, or null for an immediate greeting. */
  private greetingPause(ip: string): { ms: number; reason: string } | null {
    const g = this.config.abuse.greetingPause;
    if (g.pauseMs === 0) return null;
    if (g.underLoadConnections > 0 && this.totalOpen > g.underLoadConnections) return { ms: g.pauseMs, reason: 'load' };
    const suspicion = g.suspicious ? this.suspicion.get(ip) : null;
    if (suspicion) return { ms: g.pauseMs, reason: `suspicious: ${suspicion}` };
    return null;
  }

  /** The connection ended; `error` is the last 4xx/5xx reply sent to it, if any. */
  close(client: ClientRef, error?: string): void {
    const state = this.sessions.get(client.id);
    if (!state) return;
    this.sessions.delete(client.id);
    this.totalOpen--;
    const left = (this.open.get(state.ip) ?? 1) - 1;
    if (left <= 0) this.open.delete(state.ip);
    else this.open.set(state.ip, left);
    if (error && /talk too soon/i.test(error)) {
      this.log.info({ cid: client.id, proto: 'smtp', remote: state.ip, result: 'refused', reason: 'early-talker' }, 'client refused: spoke before the greeting');
      this.suspicion.mark(state.ip, 'early talker');
    }
  }

  /** MAIL FROM: the per-address message rate. */
  mailFrom(client: ClientRef): GuardRefusal | null {
    const ip = plainAddress(client.remoteAddress);
    if (this.isTrusted(ip)) return null;
    const rate = this.messageRate.hit(ip);
    if (rate.allowed) return null;
    return this.refuse(client, ip, GuardReplies.tooManyMessages, 'message-rate', { limit: this.config.abuse.messagesPerMinutePerIp, retryAfterMs: rate.retryAfterMs });
  }

  /** RCPT TO, before the recipient is looked up: the per-address recipient rate. */
  rcptTo(client: ClientRef): GuardRefusal | null {
    const ip = plainAddress(client.remoteAddress);
    if (this.isTrusted(ip)) return null;
    const rate = this.recipientRate.hit(ip);
    if (rate.allowed) return null;
    return this.refuse(client, ip, GuardReplies.tooManyRecipients, 'recipient-rate', { limit: this.config.abuse.recipientsPerMinutePerIp, retryAfterMs: rate.retryAfterMs });
  }

  /**
   * A recipient was refused as unknown (or not ours). Past the tarpit threshold the reply waits
   * `delayMs`; at the disconnect threshold the reply becomes the 421 given here.
   */
  invalidRecipient(client: ClientRef): { delayMs: number; disconnect: GuardRefusal | null } {
    const state = this.sessions.get(client.id);
    const ip = plainAddress(client.remoteAddress);
    if (!state || this.isTrusted(ip)) return { delayMs: 0, disconnect: null };
    const limits = this.config.abuse.invalidRecipients;
    const n = ++state.invalidRecipients;
    if (n >= limits.disconnectAfter) {
      this.suspicion.mark(ip, 'too many invalid recipients');
      return { delayMs: 0, disconnect: this.refuse(client, ip, GuardReplies.tooManyInvalid, 'invalid-recipients', { limit: limits.disconnectAfter, count: n }) };
    }
    if (limits.tarpitAfter > 0 && n >= limits.tarpitAfter) {
      this.log.info({ cid: client.id, proto: 'smtp', remote: ip, reason: 'invalid-recipients', count: n, delayMs: limits.tarpitMs }, 'tarpit');
      return { delayMs: limits.tarpitMs, disconnect: null };
    }
    return { delayMs: 0, disconnect: null };
  }

  /** Greylisting for one accepted recipient in a local domain. */
  greylistCheck(client: ClientRef, input: { sender: string; recipient: string; domainId: number }): GuardRefusal | null {
    const ip = plainAddress(client.remoteAddress);
    if (this.isTrusted(ip)) return null;
    const verdict = this.greylist.check({ ip, ...input });
    if (verdict.pass) {
      if (verdict.reason === 'retried') this.log.info({ cid: client.id, proto: 'smtp', remote: ip, from: input.sender, to: input.recipient }, 'greylist passed after retry');
      return null;
    }
    return this.refuse(client, ip, GuardReplies.greylisted, `greylisted-${verdict.reason}`, {
      from: input.sender,
      to: input.recipient,
      network: verdict.network,
      retryAfterMs: verdict.retryAfterMs,
    });
  }

  private refuse(client: ClientRef, ip: string, reply: { code: number; text: string }, reason: string, detail: Record<string, unknown>): GuardRefusal {
    this.log.info({ cid: client.id, proto: 'smtp', remote: ip, result: 'refused', reason, code: reply.code, ...detail }, 'client limited');
    if (reply.code === 421 && reason !== 'invalid-recipients') this.suspicion.mark(ip, reason);
    return { ...reply, reason };
  }
}
