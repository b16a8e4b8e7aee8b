// Outlook autodiscover, the plain-old-XML flavour: the request's EMailAddress, and a response
// with AccountType email, Action settings and one Protocol per service (IMAP, POP3, SMTP). Outlook
// uses it unreliably these days: provided, not depended on.
import type { ClientServer, ClientSettings } from './client-settings.js';
import { xmlEscape } from './xml.js';

const RESPONSE_NS = 'http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006';
const OUTLOOK_NS = 'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a';

/** The EMailAddress of a POX request, or null when there is none. Only a bounded body is read. */
export function autodiscoverRequestAddress(body: string): string | null {
  const m = /<(?:\w+:)?EMailAddress>\s*([^<\s]{3,320})\s*<\/(?:\w+:)?EMailAddress>/i.exec(body.slice(0, 64 * 1024));
  return m ? m[1]!.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>') : null;
}

/** True when the client asks for a schema other than Outlook's (e.g. ActiveSync), which we do not serve. */
export function asksForOtherSchema(body: string): boolean {
  const m = /<(?:\w+:)?AcceptableResponseSchema>\s*([^<\s]+)\s*</i.exec(body);
  return m !== null && m[1] !== OUTLOOK_NS;
}

function protocol(type: 'IMAP' | 'POP3' | 'SMTP', s: ClientServer, login: string): string {
  return [
    '      <Protocol>',
    `        <Type>${type}</Type>`,
    `        <Server>${xmlEscape(s.hostname)}</Server>`,
    `        <Port>${s.port}</Port>`,
    '        <DomainRequired>off</DomainRequired>',
    `        <LoginName>${xmlEscape(login)}</LoginName>`,
    '        <SPA>off</SPA>',
    s.socketType === 'SSL' ? '        <SSL>on</SSL>' : '        <Encryption>TLS</Encryption>',
    '        <AuthRequired>on</AuthRequired>',
    ...(type === 'SMTP' ? ['        <UsePOPAuth>off</UsePOPAuth>', '        <SMTPLast>off</SMTPLast>'] : []),
    '      </Protocol>',
  ].join('\n');
}

export function autodiscoverResponseXml(settings: ClientSettings): string {
  const imap = settings.incoming.find((s) => s.protocol === 'imap');
  const pop3 = settings.incoming.find((s) => s.protocol === 'pop3');
  const smtp = settings.outgoing[0];
  const protocols = [
    imap ? protocol('IMAP', imap, settings.username) : null,
    pop3 ? protocol('POP3', pop3, settings.username) : null,
    smtp ? protocol('SMTP', smtp, settings.username) : null,
  ].filter((p): p is string => p !== null);
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<Autodiscover xmlns="${RESPONSE_NS}">`,
    `  <Response xmlns="${OUTLOOK_NS}">`,
    '    <User>',
    `      <DisplayName>${xmlEscape(settings.address)}</DisplayName>`,
    '    </User>',
    '    <Account>',
    '      <AccountType>email</AccountType>',
    '      <Action>settings</Action>',
    ...protocols,
    '    </Account>',
    '  </Response>',
    '</Autodiscover>',
    '',
  ].join('\n');
}

/** The error response for a request we cannot answer (error code 600: invalid request). */
export function autodiscoverErrorXml(message: string): string {
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<Autodiscover xmlns="${RESPONSE_NS}">`,
    '  <Response>',
    `    <Error Time="${new Date().toISOString().slice(11, 19)}" Id="1">`,
    '      <ErrorCode>600</ErrorCode>',
    `      <Message>${xmlEscape(message)}</Message>`,
    '      <DebugData />',
    '    </Error>',
    '  </Response>',
    '</Autodiscover>',
    '',
  ].join('\n');
}
