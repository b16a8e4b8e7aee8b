// Apple configuration profile (.mobileconfig, an XML property list) with one
// com.apple.mail.managed payload: IMAP (or POP3) and SMTP for one address. Apple's keys have no
// STARTTLS switch: UseSSL true means implicit TLS, so the implicit-TLS ports are preferred.
// UUIDs are derived from host and address, so installing it again replaces the old profile.
import { createHash } from 'node:crypto';
import type { ClientSettings } from './client-settings.js';
import { xmlEscape } from './xml.js';

function stableUuid(...parts: string[]): string {
  const h = createHash('sha256').update(parts.join('\0')).digest('hex');
  // RFC 9562 layout with version 8 (custom) and the variant bits set.
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`.toUpperCase();
}

type Value = string | number | boolean;

function dict(entries: [string, Value][], indent: string): string {
  const lines = entries.map(([k, v]) => {
    const value = typeof v === 'boolean' ? (v ? '<true/>' : '<false/>') : typeof v === 'number' ? `<integer>${v}</integer>` : `<string>${xmlEscape(v)}</string>`;
    return `${indent}  <key>${xmlEscape(k)}</key>\n${indent}  ${value}`;
  });
  return `${indent}<dict>\n${lines.join('\n')}\n${indent}</dict>`;
}

export function mobileconfigXml(settings: ClientSettings, hostname: string): string | null {
  const incoming = settings.incoming.find((s) => s.socketType === 'SSL') ?? settings.incoming[0];
  const outgoing = settings.outgoing.find((s) => s.socketType === 'SSL') ?? settings.outgoing[0];
  if (!incoming || !outgoing) return null;
  const reversed = hostname.split('.').reverse().join('.');
  const mailUuid = stableUuid(hostname, settings.address, 'mail');
  const profileUuid = stableUuid(hostname, settings.address, 'profile');
  const mail = dict(
    [
      ['EmailAccountDescription', settings.address],
      ['EmailAccountName', settings.address],
      ['EmailAccountType', incoming.protocol === 'imap' ? 'EmailTypeIMAP' : 'EmailTypePOP'],
      ['EmailAddress', settings.address],
      ['IncomingMailServerAuthentication', 'EmailAuthPassword'],
      ['IncomingMailServerHostName', incoming.hostname],
      ['IncomingMailServerPortNumber', incoming.port],
      ['IncomingMailServerUseSSL', incoming.socketType === 'SSL'],
      ['IncomingMailServerUsername', settings.username],
      ['OutgoingMailServerAuthentication', 'EmailAuthPassword'],
      ['OutgoingMailServerHostName', outgoing.hostname],
      ['OutgoingMailServerPortNumber', outgoing.port],
      ['OutgoingMailServerUseSSL', outgoing.socketType === 'SSL'],
      ['OutgoingMailServerUsername', settings.username],
      ['OutgoingPasswordSameAsIncomingPassword', true],
      ['PayloadDescription', `Mail account ${settings.address}`],
      ['PayloadDisplayName', settings.address],
      ['PayloadIdentifier', `${reversed}.mail.${mailUuid}`],
      ['PayloadType', 'com.apple.mail.managed'],
      ['PayloadUUID', mailUuid],
      ['PayloadVersion', 1],
      ['SMIMEEnabled', false],
    ],
    '    ',
  );
  const top = dict(
    [
      ['PayloadDescription', `Sets up the mail account ${settings.address} on ${hostname}.`],
      ['PayloadDisplayName', `Mail: ${settings.address}`],
      ['PayloadIdentifier', `${reversed}.profile.${profileUuid}`],
      ['PayloadRemovalDisallowed', false],
      ['PayloadType', 'Configuration'],
      ['PayloadUUID', profileUuid],
      ['PayloadVersion', 1],
    ],
    '',
  );
  const withContent = top.replace(/^<dict>\n/, `<dict>\n  <key>PayloadContent</key>\n  <array>\n${mail}\n  </array>\n`);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    '<plist version="1.0">',
    withContent,
    '</plist>',
    '',
  ].join('\n');
}
