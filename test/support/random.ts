// A small seeded PRNG (mulberry32) for fuzz tests: the same seed gives the same inputs, so a
// failure can be replayed; the seed is printed in the assertion message.

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

export function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)]!;
}

/** Random bytes biased towards the characters protocols care about. */
export function randomBytes(rand: () => number, max: number, alphabet = ' ()[]{}<>"\\*%$:,.+-~\r\n0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz\u00e9'): Buffer {
  const n = Math.floor(rand() * max);
  const chars: number[] = [];
  for (let i = 0; i < n; i++) {
    if (rand() < 0.05) chars.push(Math.floor(rand() * 256));
    else chars.push(alphabet.charCodeAt(Math.floor(rand() * alphabet.length)) & 0xff);
  }
  return Buffer.from(chars);
}

/** Mutate a valid input: delete, duplicate, flip or insert a few bytes. */
export function mutate(rand: () => number, input: Buffer): Buffer {
  const bytes = [...input];
  const edits = 1 + Math.floor(rand() * 4);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(rand() * (bytes.length + 1));
    const op = Math.floor(rand() * 4);
    if (op === 0 && bytes.length) bytes.splice(at, 1 + Math.floor(rand() * 5));
    else if (op === 1) bytes.splice(at, 0, ...bytes.slice(at, at + 1 + Math.floor(rand() * 8)));
    else if (op === 2 && bytes.length) bytes[at % bytes.length] = Math.floor(rand() * 256);
    else bytes.splice(at, 0, pick(rand, [...' ()[]{}"\\*:.\r\n0~+'].map((c) => c.charCodeAt(0))));
  }
  return Buffer.from(bytes);
}
