// Address lists of header fields (RFC 5322 §3.4: mailbox, name-addr, group, obsolete routes)
// parsed into IMAP ENVELOPE address structures (RFC 9051 §7.5.2 "ENVELOPE"): name, source
// route, mailbox, host; a group is opened by (NIL NIL name NIL) and closed by (NIL NIL NIL NIL).
// Tolerant as Dovecot is: missing parts become MISSING_MAILBOX / MISSING_DOMAIN.

export interface EnvelopeAddress {
  name: string | null;
  adl: string | null;
  mailbox: string | null;
  host: string | null;
}

type Token = { kind: 'word' | 'quoted' | 'comment' | 'angle'; text: string } | { kind: 'special'; text: ',' | ':' | ';' };

function tokenize(s: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const ch = s[i]!;
    if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n') {
      i++;
    } else if (ch === '"') {
      let text = '';
      i++;
      while (i < s.length && s[i] !== '"') {
        if (s[i] === '\\' && i + 1 < s.length) i++;
        text += s[i++];
      }
      i++;
      out.push({ kind: 'quoted', text });
    } else if (ch === '(') {
      let depth = 1;
      let text = '';
      i++;
      while (i < s.length && depth > 0) {
        if (s[i] === '\\' && i + 1 < s.length) {
          text += s[i + 1];
          i += 2;
          continue;
        }
        if (s[i] === '(') depth++;
        else if (s[i] === ')' && --depth === 0) break;
        text += s[i++];
      }
      i++;
      out.push({ kind: 'comment', text: text.trim() });
    } else if (ch === '<') {
      const end = s.indexOf('>', i + 1);
      const text = end < 0 ? s.slice(i + 1) : s.slice(i + 1, end);
      i = end < 0 ? s.length : end + 1;
      out.push({ kind: 'angle', text: text.trim() });
    } else if (ch === ',' || ch === ':' || ch === ';') {
      out.push({ kind: 'special', text: ch });
      i++;
    } else {
      let text = '';
      while (i < s.length && !' \t\r\n"(<,:;'.includes(s[i]!)) text += s[i++];
      if (text === '>') continue;
      out.push({ kind: 'word', text });
    }
  }
  return out;
}

function splitAddress(addr: string): { adl: string | null; mailbox: string | null; host: string | null } {
  let adl: string | null = null;
  let rest = addr.replace(/\s+/g, '');
  const route = /^(@[^:]*):(.*)$/.exec(rest);
  if (route) {
    adl = route[1]!;
    rest = route[2]!;
  }
  const at = rest.lastIndexOf('@');
  let mailbox = at < 0 ? rest : rest.slice(0, at);
  const host = at < 0 ? '' : rest.slice(at + 1);
  if (mailbox.startsWith('"') && mailbox.endsWith('"') && mailbox.length >= 2) mailbox = mailbox.slice(1, -1).replace(/\\(.)/g, '$1');
  return { adl, mailbox: mailbox || 'MISSING_MAILBOX', host: host || 'MISSING_DOMAIN' };
}

function mailboxFrom(tokens: Token[]): EnvelopeAddress | null {
  if (tokens.length === 0) return null;
  const angle = tokens.find((t) => t.kind === 'angle');
  const comments = tokens.filter((t) => t.kind === 'comment').map((t) => t.text);
  if (angle) {
    const before = tokens.slice(0, tokens.indexOf(angle)).filter((t) => t.kind === 'word' || t.kind === 'quoted');
    const name = before.map((t) => t.text).join(' ').trim();
    if (!angle.text && !name) return null;
    return { name: name || comments[0] || null, ...splitAddress(angle.text) };
  }
  const words = tokens.filter((t) => t.kind === 'word' || t.kind === 'quoted');
  if (words.length === 0) return null;
  const addr = words.map((t) => (t.kind === 'quoted' ? `"${t.text}"` : t.text)).join('');
  return { name: comments[0] || null, ...splitAddress(addr) };
}

/** Parse an address-list field value; an empty list for an empty or hopeless value. */
export function parseAddressList(value: string | null): EnvelopeAddress[] {
  if (value === null) return [];
  const tokens = tokenize(value);
  const out: EnvelopeAddress[] = [];
  let current: Token[] = [];
  let group = false;
  const flushMailbox = () => {
    const a = mailboxFrom(current);
    if (a) out.push(a);
    current = [];
  };
  for (const t of tokens) {
    if (t.kind === 'special' && t.text === ',') {
      flushMailbox();
    } else if (t.kind === 'special' && t.text === ':' && !group && !current.some((c) => c.kind === 'angle')) {
      const name = current
        .filter((c) => c.kind === 'word' || c.kind === 'quoted')
        .map((c) => c.text)
        .join(' ');
      current = [];
      group = true;
      out.push({ name: null, adl: null, mailbox: name || '', host: null });
    } else if (t.kind === 'special' && t.text === ';') {
      flushMailbox();
      if (group) {
        out.push({ name: null, adl: null, mailbox: null, host: null });
        group = false;
      }
    } else {
      current.push(t);
    }
  }
  flushMailbox();
  if (group) out.push({ name: null, adl: null, mailbox: null, host: null });
  return out;
}

/** Plain `mailbox@host` addresses of a list (groups flattened), for display and search. */
export function addressStrings(list: EnvelopeAddress[]): string[] {
  return list.filter((a) => a.host !== null).map((a) => `${a.mailbox}@${a.host}`);
}
