// Settings of the port-25 trust checks (part of DATA/config.json, see config.ts): which clients
// are trusted, what DMARC failures do, spam rules and thresholds, abuse limits and greylisting.
// Greylisting is switched on per domain in the database (`mailserver domain greylist`).
import { isIP } from 'node:net';
import { z } from 'zod';

const score = z.number().min(-100).max(100);
/** `ADDR` or `ADDR/PREFIX` (IPv4 or IPv6). */
const cidr = z.string().refine((text) => {
  const [address = '', prefix, extra] = text.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
}, 'expected ADDR or ADDR/PREFIX');
const zone = z.string().min(1).regex(/^[A-Za-z0-9._-]+$/, 'a DNS zone name');

export const TrustSchema = z
  .object({
    /** Clients that skip every check and limit below (CIDR); loopback by default. */
    trustedNetworks: z.array(cidr).default(['127.0.0.0/8', '::1/128']),
    dmarc: z
      .object({
        /** A DMARC failure whose domain publishes p=reject: refuse with 550 5.7.1, or file into Junk. */
        onReject: z.enum(['refuse', 'junk']).default('refuse'),
        /** A failure under p=quarantine: into Junk, or only scored. */
        onQuarantine: z.enum(['junk', 'score']).default('junk'),
        /** Apply the policy to only pct% of failing messages, as RFC 7489 §6.6.4 asks. */
        honourPct: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
    /** Domains whose ARC seal (RFC 8617) we believe: a DMARC failure under a passing chain they sealed is forgiven. */
    arcTrustedSealers: z.array(z.string().min(1)).default([]),
  })
  .strict()
  .prefault({});

export const SpamSchema = z
  .object({
    enabled: z.boolean().default(true),
    thresholds: z
      .object({
        /** X-Spam-Flag: YES from this score. */
        flag: score.default(5),
        /** Filed into Junk from this score. */
        junk: score.default(6),
        /** Refused at SMTP time (550 5.7.1) from this score. */
        reject: score.default(15),
      })
      .strict()
      .prefault({}),
    /** IP blocklists (RFC 5782) the client is looked up in, with the score of a listing. */
    dnsbls: z
      .array(z.object({ zone, score: score.default(4) }).strict())
      .default([
        { zone: 'zen.spamhaus.org', score: 5 },
        { zone: 'bl.spamcop.net', score: 3 },
      ]),
    /** Domain blocklists (RFC 5782 §2.3) the message's URL domains are looked up in. */
    uriBlocklists: z.array(z.object({ zone, score: score.default(4) }).strict()).default([{ zone: 'dbl.spamhaus.org', score: 5 }]),
    /** URL domains that are spam by the user's own judgement (and their subdomains). */
    blockedUriDomains: z.array(z.string().min(1)).default([]),
    /** Changed scores of rules by name (see spam/rules.ts), e.g. { "RDNS_NONE": 2 }. */
    scores: z.record(z.string(), score).default({}),
    bayes: z
      .object({
        enabled: z.boolean().default(true),
        /** Spam and ham messages a user must have trained before the classifier is used. */
        minSpam: z.number().int().min(1).default(10),
        minHam: z.number().int().min(1).default(10),
      })
      .strict()
      .prefault({}),
    /** Per lookup; a blocklist that does not answer in time counts as not listing. */
    lookupTimeoutMs: z.number().int().min(100).max(30_000).default(3000),
  })
  .strict()
  .prefault({});

export const AbuseSchema = z
  .object({
    /** Simultaneous connections from one address; 0 = no limit. */
    maxConnectionsPerIp: z.number().int().min(0).default(20),
    connectionsPerMinutePerIp: z.number().int().min(0).default(60),
    /** MAIL FROM commands per minute from one address. */
    messagesPerMinutePerIp: z.number().int().min(0).default(60),
    /** RCPT TO commands per minute from one address. */
    recipientsPerMinutePerIp: z.number().int().min(0).default(200),
    /** The "minute" of the rates above, in seconds (Postfix's anvil_rate_time_unit). */
    rateTimeUnitSeconds: z.number().min(0.1).max(3600).default(60),
    invalidRecipients: z
      .object({
        /** From this many unknown recipients in a session, each reply is delayed (tarpit). */
        tarpitAfter: z.number().int().min(0).default(3),
        tarpitMs: z.number().int().min(0).max(60_000).default(2000),
        /** At this many the session is closed with 421. */
        disconnectAfter: z.number().int().min(1).default(10),
      })
      .strict()
      .prefault({}),
    /**
     * Early-talker detection: the greeting waits this long, and a client that speaks first is
     * refused (421). Only under load or for suspicious clients, since it caps throughput per
     * connection; smtp.greetingDelayMs applies a pause to every connection instead.
     */
    greetingPause: z
      .object({
        pauseMs: z.number().int().min(0).max(30_000).default(3000),
        /** Pause every greeting while more than this many port-25 connections are open; 0 = never. */
        underLoadConnections: z.number().int().min(0).default(100),
        /** Pause for clients recently listed, refused or caught talking early. */
        suspicious: z.boolean().default(true),
        /** How long a client stays suspicious. */
        rememberMinutes: z.number().int().min(1).default(60),
      })
      .strict()
      .prefault({}),
    /** The failed-login limiter shared by submission, IMAP and POP3. */
    logins: z
      .object({
        ipThreshold: z.number().int().min(1).default(10),
        accountThreshold: z.number().int().min(1).default(5),
        windowSeconds: z.number().int().min(1).default(900),
        ipLockSeconds: z.number().min(0.1).default(60),
        accountLockSeconds: z.number().min(0.1).default(30),
        maxLockSeconds: z.number().min(0.1).default(3600),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .prefault({});

export const GreylistSchema = z
  .object({
    /** A first attempt is deferred; a retry after this long passes. */
    delaySeconds: z.number().int().min(0).default(300),
    /** A first attempt not retried within this long is forgotten. */
    retryWindowHours: z.number().min(0.01).default(24),
    /** A triplet that passed, and a client that is passed automatically, are remembered this long. */
    passDays: z.number().min(0.01).default(36),
    /** After this many retried triplets a client network passes for every sender and recipient. */
    autoPassAfter: z.number().int().min(1).default(1),
  })
  .strict()
  .prefault({});
