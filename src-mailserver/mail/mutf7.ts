// Modified UTF-7 (RFC 3501 §5.1.3): the mailbox-name encoding of IMAP4rev1 clients and of
// Dovecot's Maildir++ folder names on disk. Printable ASCII stands for itself except `&`
// (written `&-`); anything else is UTF-16BE in base64 with `,` for `/`, between `&` and `-`.

function encodeRun(run: string): string {
  const buf = Buffer.alloc(run.length * 2);
  for (let i = 0; i < run.length; i++) buf.writeUInt16BE(run.charCodeAt(i), i * 2);
  return '&' + buf.toString('base64').replace(/=+$/, '').replace(/\//g, ',') + '-';
}

/** Encode a Unicode mailbox name in modified UTF-7. */
export function encodeMutf7(text: string): string {
  let out = '';
  let run = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code >= 0x20 && code <= 0x7e) {
      if (run) {
        out += encodeRun(run);
        run = '';
      }
      out += ch === '&' ? '&-' : ch;
    } else {
      run += ch;
    }
  }
  if (run) out += encodeRun(run);
  return out;
}

/** Decode modified UTF-7; null when the text is not valid modified UTF-7. */
export function decodeMutf7(text: string): string | null {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return null;
    if (text[i] !== '&') {
      out += text[i];
      continue;
    }
    const end = text.indexOf('-', i + 1);
    if (end < 0) return null;
    const b64 = text.slice(i + 1, end);
    i = end;
    if (b64 === '') {
      out += '&';
      continue;
    }
    if (!/^[A-Za-z0-9+,]+$/.test(b64)) return null;
    const bytes = Buffer.from(b64.replace(/,/g, '/'), 'base64');
    if (bytes.length % 2 !== 0 || bytes.length === 0) return null;
    let run = '';
    for (let j = 0; j < bytes.length; j += 2) run += String.fromCharCode(bytes.readUInt16BE(j));
    // A run must not encode what could be written directly, and must be well-formed UTF-16.
    if (/[\x20-\x7e]/.test(run) || /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(run)) return null;
    out += run;
  }
  return out;
}
