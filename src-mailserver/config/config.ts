// Server configuration: DATA/config.json, validated once at the boundary (zod), with command-line
// flags layered on top for one run. Ports set to null are not started; 0 picks a free port.
import { readFileSync, existsSync, openSync, writeSync, fsyncSync, closeSync, renameSync } from 'node:fs';
import { hostname as osHostname } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { UserError } from '../common/errors.js';
import { AbuseSchema, GreylistSchema, SpamSchema, TrustSchema } from './inbound-trust-config.js';

const port = z.number().int().min(0).max(65535).nullable();

export const PORT_NAMES = ['smtp', 'submission', 'smtps', 'imap', 'imaps', 'pop3', 'pop3s', 'http', 'https', 'admin'] as const;
export type PortName = (typeof PORT_NAMES)[number];

export const ConfigSchema = z
  .object({
    hostname: z.string().min(1).default(() => osHostname() || 'localhost'),
    listen: z.string().min(1).default('0.0.0.0'),
    ports: z
      .object({
        smtp: port.default(25),
        submission: port.default(587),
        smtps: port.default(465),
        imap: port.default(143),
        imaps: port.default(993),
        pop3: port.default(110),
        pop3s: port.default(995),
        http: port.default(80),
        https: port.default(443),
        admin: port.default(8480),
      })
      .strict()
      .prefault({}),
    /** Resolver for every lookup, `HOST[:PORT]`; null = the system's resolvers. */
    dns: z.string().nullable().default(null),
    publicIp: z.string().nullable().default(null),
    limits: z
      .object({
        maxMessageBytes: z.number().int().positive().default(50 * 1024 * 1024),
        maxRecipients: z.number().int().positive().default(100),
        maxConnections: z.number().int().positive().default(1000),
        /** Seconds an idle SMTP connection is kept. */
        smtpIdleSeconds: z.number().int().positive().default(300),
        /** IMAP / POP3 connections from one client address. */
        maxConnectionsPerIp: z.number().int().positive().default(50),
        /** IMAP / POP3 sessions one user may have logged in at once. */
        maxConnectionsPerUser: z.number().int().positive().default(30),
      })
      .strict()
      .prefault({}),
    smtp: z
      .object({
        /** Pause before the port-25 greeting, to catch clients that talk first; 0 = off. */
        greetingDelayMs: z.number().int().min(0).max(30_000).default(0),
      })
      .strict()
      .prefault({}),
    security: z
      .object({
        /** Allow password logins without TLS from loopback addresses. */
        plaintextAuthFromLoopback: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
    /** Public IP detection and the live DNS checks (dns/). */
    network: z
      .object({
        /** URL answering with the caller's address as plain text, used when publicIp is not set and no interface has a public address. */
        publicIpEchoUrl: z.string().url().nullable().default(null),
        /** Minutes between the watchdog's public IP checks; 0 = off. */
        publicIpWatchMinutes: z.number().int().min(0).max(1440).default(10),
        /** HOST[:PORT] the outbound port-25 check connects to. */
        port25TestHost: z.string().min(1).default('gmail-smtp-in.l.google.com:25'),
        /** DNS blocklist zones the public IP is looked up in. */
        dnsbls: z.array(z.string().min(1)).default(['zen.spamhaus.org', 'bl.spamcop.net', 'b.barracudacentral.org']),
        /** Where DMARC and TLS-RPT reports go; null = postmaster@DOMAIN. */
        reportAddress: z.string().email().nullable().default(null),
        dmarcPolicy: z.enum(['quarantine', 'reject']).default('quarantine'),
      })
      .strict()
      .prefault({}),
    /** Certificates (tls/): a PEM pair of the user's own, else ACME when enabled, else self-signed. */
    tls: z
      .object({
        certFile: z.string().min(1).nullable().default(null),
        keyFile: z.string().min(1).nullable().default(null),
        acme: z
          .object({
            enabled: z.boolean().default(false),
            directoryUrl: z.string().url().default('https://acme-v02.api.letsencrypt.org/directory'),
            email: z.string().email().nullable().default(null),
            /** A PEM file of extra CA certificates to trust when talking to the ACME server. */
            caFile: z.string().min(1).nullable().default(null),
            /** Renew this many days before expiry. */
            renewDays: z.number().int().min(1).max(89).default(30),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    /** Outbound queue: retry schedule, lifetime, delay notice, concurrency (see queue/). */
    queue: z
      .object({
        /** A message still undelivered after this long is bounced (RFC 5321 §4.5.4.1: 4-5 days). */
        lifetimeSeconds: z.number().int().positive().default(5 * 24 * 3600),
        /** Tell the sender once a message has waited this long; 0 = never. */
        delayNoticeSeconds: z.number().int().min(0).default(4 * 3600),
        /** First retry after about this long; each later one waits twice as long, up to the maximum. */
        retryBaseSeconds: z.number().min(0.01).default(300),
        retryMaxSeconds: z.number().min(0.01).default(4 * 3600),
        /** Deliveries in flight to one destination domain (or the relay host). */
        perDomainConcurrency: z.number().int().positive().default(4),
        /** Deliveries in flight in total. */
        maxConcurrency: z.number().int().positive().default(20),
      })
      .strict()
      .prefault({}),
    /** The SMTP client that delivers to other servers (port 25) or to the relay. */
    outbound: z
      .object({
        connectTimeoutSeconds: z.number().positive().default(30),
        /** RFC 5321 §4.5.3.2 suggests 5 minutes for the greeting and each command. */
        greetingTimeoutSeconds: z.number().positive().default(300),
        commandTimeoutSeconds: z.number().positive().default(300),
        /** Enforce MTA-STS (RFC 8461) for destinations that publish a policy. */
        mtaSts: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
    /**
     * Smarthost: send outbound mail through this host instead of straight to each domain's MX
     * (homes whose ISP blocks port 25). The password is in the secret store, never here.
     */
    relay: z
      .object({
        host: z.string().min(1),
        port: z.number().int().min(1).max(65535).default(587),
        /** starttls: STARTTLS required; tls: implicit TLS (465); none: plain text. */
        tls: z.enum(['starttls', 'tls', 'none']).default('starttls'),
        username: z.string().min(1).nullable().default(null),
        /** all: every outbound message; domains: only mail to the listed destination domains. */
        scope: z.enum(['all', 'domains']).default('all'),
        domains: z.array(z.string().min(1)).default([]),
        verifyCertificate: z.boolean().default(true),
        /** The SPF include the relay provider documents (e.g. `spf.relay.example`), for the SPF record we publish. */
        spfInclude: z.string().min(1).nullable().default(null),
      })
      .strict()
      .nullable()
      .default(null),
    /** Port-25 checks: trusted networks, DMARC actions, spam, abuse limits, greylisting. */
    trust: TrustSchema,
    spam: SpamSchema,
    abuse: AbuseSchema,
    greylist: GreylistSchema,
    admin: z
      .object({
        /** Address of the admin UI and API; anything but loopback also needs `remote` (and gets TLS). */
        listen: z.string().min(1).default('127.0.0.1'),
        /** Explicit consent to serve the admin UI beyond this machine (`--admin-remote`). */
        remote: z.boolean().default(false),
      })
      .strict()
      .prefault({}),
    /** Preferences of the desktop app (read by the Electron main process through the admin API). */
    desktop: z
      .object({
        closeToTray: z.boolean().default(true),
        startMinimized: z.boolean().default(false),
        startAtLogin: z.boolean().default(false),
        notifications: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
    log: z
      .object({
        level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type Config = z.infer<typeof ConfigSchema>;
export type ConfigInput = z.input<typeof ConfigSchema>;

export function configPath(dataDir: string): string {
  return join(dataDir, 'config.json');
}

/** Read DATA/config.json (absent = all defaults) and apply `overrides` on top. */
export function loadConfig(dataDir: string, overrides: ConfigInput = {}): Config {
  let fromFile: unknown = {};
  const file = configPath(dataDir);
  if (existsSync(file)) {
    try {
      fromFile = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new UserError(`${file} is not valid JSON: ${(err as Error).message}`);
    }
  }
  const merged = mergeDeep(fromFile, overrides);
  const parsed = ConfigSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UserError(`invalid configuration at ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}

/**
 * Change DATA/config.json: `change` gets the file's JSON (absent = {}) and returns the new JSON,
 * which must still be a valid configuration. Written to a temporary file, fsync'd, renamed.
 * Returns the validated result (without command-line overrides).
 */
export function updateConfigFile(dataDir: string, change: (json: Record<string, unknown>) => Record<string, unknown>): Config {
  const file = configPath(dataDir);
  let current: Record<string, unknown> = {};
  if (existsSync(file)) {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (isPlainObject(parsed)) current = parsed;
  }
  const next = change(structuredClone(current));
  const checked = ConfigSchema.safeParse(next);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    throw new UserError(`invalid configuration at ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, JSON.stringify(next, null, 2) + '\n');
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  return checked.data;
}

function mergeDeep(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    out[k] = mergeDeep(base[k], v);
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parse `HOST[:PORT]` (IPv6 as `[addr]:port`) into a resolver server string for node:dns. */
export function parseDnsServer(text: string): { host: string; port: number } {
  const m = /^\[([0-9a-fA-F:.]+)\](?::(\d+))?$/.exec(text) ?? /^([^:]+)(?::(\d+))?$/.exec(text);
  if (!m) {
    if (/^[0-9a-fA-F:]+$/.test(text) && text.includes(':')) return { host: text, port: 53 };
    throw new UserError(`invalid DNS server: ${JSON.stringify(text)} (expected HOST[:PORT])`);
  }
  const portNum = m[2] ? Number(m[2]) : 53;
  if (!Number.isInteger(portNum) || portNum < 1 || portNum > 65535) throw new UserError(`invalid DNS port in ${text}`);
  return { host: m[1]!, port: portNum };
}
