// Content-Transfer-Encoding decoding (RFC 2045 §6.7 quoted-printable, §6.8 base64): tolerant of
// what real mail contains (soft line breaks with trailing space, bad escapes kept as they are,
// base64 with line breaks and junk), for BINARY fetches and body search.

/** Decode quoted-printable bytes. */
export function decodeQuotedPrintable(input: Buffer): Buffer {
  const out = Buffer.allocUnsafe(input.length);
  let o = 0;
  const hex = (c: number) => (c >= 48 && c <= 57 ? c - 48 : c >= 65 && c <= 70 ? c - 55 : c >= 97 && c <= 102 ? c - 87 : -1);
  for (let i = 0; i < input.length; i++) {
    const c = input[i]!;
    if (c !== 61) {
      out[o++] = c;
      continue;
    }
    // Soft line break: `=` then optional white space then CRLF or LF.
    let j = i + 1;
    while (j < input.length && (input[j] === 32 || input[j] === 9)) j++;
    if (j < input.length && (input[j] === 13 || input[j] === 10)) {
      if (input[j] === 13 && input[j + 1] === 10) j++;
      i = j;
      continue;
    }
    if (j >= input.length && j > i + 1) {
      i = j;
      continue;
    }
    const h = i + 2 < input.length ? hex(input[i + 1]!) : -1;
    const l = i + 2 < input.length ? hex(input[i + 2]!) : -1;
    if (h >= 0 && l >= 0) {
      out[o++] = h * 16 + l;
      i += 2;
    } else out[o++] = c;
  }
  return out.subarray(0, o);
}

export function decodeBase64(input: Buffer): Buffer {
  return Buffer.from(input.toString('latin1').replace(/[^A-Za-z0-9+/]/g, ''), 'base64');
}

/** Decode a part body; null for an encoding we do not know (BINARY answers UNKNOWN-CTE). */
export function decodeTransferEncoding(body: Buffer, encoding: string | null): Buffer | null {
  switch (encoding) {
    case null:
    case '7bit':
    case '8bit':
    case 'binary':
      return body;
    case 'base64':
      return decodeBase64(body);
    case 'quoted-printable':
      return decodeQuotedPrintable(body);
    default:
      return null;
  }
}
