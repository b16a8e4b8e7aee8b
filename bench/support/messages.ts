// Test messages for the benchmark: RFC 5322 text with CRLF line ends, a unique Message-ID token
// (so delivery can be verified file by file), one of 50 senders, a subject and a body of words
// from a fixed vocabulary filled to the requested size. Deterministic (seeded), so both stacks
// get the same bytes. No body line starts with a dot, so no dot-stuffing is needed.

const WORDS = (
  'alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa ' +
  'quebec romeo sierra tango uniform victor whiskey xray yankee zulu garden window river mountain ' +
  'letter paper coffee morning evening holiday invoice meeting report budget project schedule ' +
  'family picture weekend train ticket office printer server backup update review summary question ' +
  'answer thanks regards please attached document version draft final notes agenda minutes travel ' +
  'hotel booking dinner lunch birthday party music concert football weather forecast rain sunshine'
).split(' ');

/** A word planted in one message of every RARE_EVERY, for SEARCH BODY. */
export const RARE_WORD = 'zymurgical';
export const RARE_EVERY = 1000;
export const SENDERS = 50;

export function senderOf(n: number): string {
  return `sender${n % SENDERS}@senders.test`;
}

/** Mulberry32: a small, fast, seeded PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface MessageSpec {
  /** Unique per message; ends up in the Message-ID as <token@bench.test>. */
  token: string;
  /** Sequence number, picks the sender and the seed. */
  n: number;
  to: string;
  /** The From address; one of the 50 senders when absent. */
  from?: string;
  /** Approximate total size in bytes. */
  size: number;
}

export function makeMessage(spec: MessageSpec): Buffer {
  const rand = prng(spec.n * 2654435761);
  const word = () => WORDS[Math.floor(rand() * WORDS.length)]!;
  const date = new Date(Date.UTC(2024, 0, 1) + spec.n * 60_000).toUTCString().replace('GMT', '+0000');
  const head =
    (spec.from ? `From: <${spec.from}>\r\n` : `From: Sender ${spec.n % SENDERS} <${senderOf(spec.n)}>\r\n`) +
    `To: <${spec.to}>\r\n` +
    `Subject: ${word()} ${word()} ${word()} ${spec.n}\r\n` +
    `Date: ${date}\r\n` +
    `Message-ID: <${spec.token}@bench.test>\r\n` +
    'MIME-Version: 1.0\r\n' +
    'Content-Type: text/plain; charset=us-ascii\r\n' +
    '\r\n';
  const lines: string[] = [];
  let size = head.length;
  if (spec.n % RARE_EVERY === RARE_EVERY - 1) {
    lines.push(`A line with a rare word: ${RARE_WORD}.`);
    size += lines[0]!.length + 2;
  }
  while (size < spec.size) {
    let line = word();
    while (line.length < 70) line += ' ' + word();
    lines.push(line);
    size += line.length + 2;
  }
  return Buffer.from(head + lines.join('\r\n') + '\r\n', 'latin1');
}

/** The Message-ID token of a stored message, or null. */
export function tokenOf(data: Buffer): string | null {
  const head = data.subarray(0, 8192).toString('latin1');
  const m = /\r?\nMessage-ID: <([^@>]+)@bench\.test>/i.exec(head);
  return m ? m[1]! : null;
}
