// The settings a mail client needs for an address on this server: host, port and security of
// each offered service, implicit TLS first (RFC 8314 §3), user name = the whole address. The one
// source for autoconfig, autodiscover, .mobileconfig and the UI's client-settings table.
import type { Config, PortName } from '../../config/config.js';
import { xmlEscape } from './xml.js';

export type ClientProtocol = 'imap' | 'pop3' | 'smtp';
export type SocketType = 'SSL' | 'STARTTLS';

export interface ClientServer {
  protocol: ClientProtocol;
  hostname: string;
  port: number;
  socketType: SocketType;
}

export interface ClientSettings {
  address: string;
  domain: string;
  /** The login name: the whole address. */
  username: string;
  /** Incoming servers, preferred first (IMAP over TLS, IMAP STARTTLS, POP3 ...). */
  incoming: ClientServer[];
  /** Outgoing servers, preferred first (submission over TLS 465, then STARTTLS 587). */
  outgoing: ClientServer[];
}

const STANDARD: Record<string, number> = { imaps: 993, imap: 143, pop3s: 995, pop3: 110, smtps: 465, submission: 587 };

/** The port clients are told: the configured one, the running one for port 0, else none. */
function portOf(config: Config, name: PortName, running: Partial<Record<PortName, number>>): number | null {
  const configured = config.ports[name];
  if (configured === null) return null;
  if (configured === 0) return running[name] ?? STANDARD[name] ?? null;
  return configured;
}

export function clientSettingsFor(config: Config, address: { local: string; domain: string }, running: Partial<Record<PortName, number>> = {}): ClientSettings {
  const hostname = config.hostname.toLowerCase();
  const pick = (list: [PortName, ClientProtocol, SocketType][]) =>
    list.flatMap(([name, protocol, socketType]) => {
      const port = portOf(config, name, running);
      return port === null ? [] : [{ protocol, hostname, port, socketType }];
    });
  const full = `${address.local}@${address.domain}`;
  return {
    address: full,
    domain: address.domain,
    username: full,
    incoming: pick([
      ['imaps', 'imap', 'SSL'],
      ['imap', 'imap', 'STARTTLS'],
      ['pop3s', 'pop3', 'SSL'],
      ['pop3', 'pop3', 'STARTTLS'],
    ]),
    outgoing: pick([
      ['smtps', 'smtp', 'SSL'],
      ['submission', 'smtp', 'STARTTLS'],
    ]),
  };
}

/** Thunderbird / K-9 autoconfig, clientConfig version 1.1 (the format of Thunderbird's ISPDB). */
export function thunderbirdConfigXml(settings: Pick<ClientSettings, 'domain' | 'incoming' | 'outgoing'>): string {
  const server = (tag: string, s: ClientServer) =>
    [
      `    <${tag} type="${s.protocol}">`,
      `      <hostname>${xmlEscape(s.hostname)}</hostname>`,
      `      <port>${s.port}</port>`,
      `      <socketType>${s.socketType}</socketType>`,
      '      <username>%EMAILADDRESS%</username>',
      '      <authentication>password-cleartext</authentication>',
      `    </${tag}>`,
    ].join('\n');
  const domain = xmlEscape(settings.domain);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<clientConfig version="1.1">',
    `  <emailProvider id="${domain}">`,
    `    <domain>${domain}</domain>`,
    `    <displayName>${domain} mail</displayName>`,
    `    <displayShortName>${domain}</displayShortName>`,
    ...settings.incoming.map((s) => server('incomingServer', s)),
    ...settings.outgoing.map((s) => server('outgoingServer', s)),
    '  </emailProvider>',
    '</clientConfig>',
    '',
  ].join('\n');
}
