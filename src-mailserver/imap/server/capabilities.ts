// The CAPABILITY list (RFC 9051 §6.1.1, §7.2.2) for each session state: before login it shows
// what a client needs to decide how to log in (STARTTLS, AUTH=, LOGINDISABLED when plaintext is
// not allowed, and IDLE, which Outlook looks for here); after login, every extension we serve.

export interface CapabilityState {
  authenticated: boolean;
  tls: boolean;
  /** STARTTLS can still be offered (plain port, TLS not yet started). */
  canStartTls: boolean;
  /** Password logins allowed now (TLS, or loopback when configured). */
  plaintextAllowed: boolean;
  compressed: boolean;
  appendLimit: number;
}

export function capabilities(s: CapabilityState): string[] {
  const caps = ['IMAP4rev1', 'IMAP4rev2', 'LITERAL+', 'SASL-IR', 'ID', 'ENABLE', 'IDLE'];
  if (!s.authenticated) {
    if (s.canStartTls) caps.push('STARTTLS');
    if (s.plaintextAllowed) caps.push('AUTH=PLAIN', 'AUTH=LOGIN');
    else caps.push('LOGINDISABLED');
    return caps;
  }
  caps.push(
    'NAMESPACE',
    'UNSELECT',
    'UIDPLUS',
    'MOVE',
    'CHILDREN',
    'SPECIAL-USE',
    'LIST-EXTENDED',
    'LIST-STATUS',
    'XLIST',
    'STATUS=SIZE',
    'CONDSTORE',
    'QRESYNC',
    'ESEARCH',
    'SEARCHRES',
    'WITHIN',
    'BINARY',
    'UTF8=ACCEPT',
    `APPENDLIMIT=${s.appendLimit}`,
    'QUOTA',
    'QUOTA=RES-STORAGE',
    'QUOTA=RES-MESSAGE',
  );
  if (!s.compressed) caps.push('COMPRESS=DEFLATE');
  return caps;
}
