// Signing test messages the way another mail system would: DKIM with python3-dkim (Debian's own
// python3, an implementation independent of ours), ARC sets with mailauth's sealer, and RSA key
// pairs whose public half goes into a test zone as a DKIM record.
import { generateKeyPairSync } from 'node:crypto';
import { sealMessage } from 'mailauth';
import { run } from './processes.js';

export interface TestKey {
  privatePem: string;
  /** The TXT value to publish at SELECTOR._domainkey.DOMAIN. */
  record: string;
}

export function makeDkimKey(): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const p = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  return { privatePem: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(), record: `v=DKIM1; k=rsa; p=${p}` };
}

/** A TXT record value as zone-file text (split into 255-byte strings). */
export function txt(value: string): string {
  const parts = value.match(/.{1,200}/g) ?? [''];
  return `( ${parts.map((p) => `"${p.replace(/"/g, '\\"')}"`).join(' ')} )`;
}

const SIGN = `
import sys, dkim
domain, selector, keyfile = sys.argv[1], sys.argv[2], sys.argv[3]
msg = sys.stdin.buffer.read()
key = open(keyfile, 'rb').read()
sig = dkim.sign(msg, selector.encode(), domain.encode(), key, include_headers=[b'from', b'to', b'subject', b'date', b'message-id'])
sys.stdout.buffer.write(sig + msg)
`;

/** The message with a DKIM-Signature from python3-dkim prepended. */
export async function pythonDkimSign(message: string, domain: string, selector: string, keyFile: string): Promise<string> {
  const r = await run('/usr/bin/python3', ['-c', SIGN, domain, selector, keyFile], { input: message, timeoutMs: 30_000 });
  if (r.code !== 0) throw new Error(`python3-dkim failed: ${r.stderr}`);
  return r.stdout;
}

/** The message with an ARC set (instance i, chain validation `cv`) prepended by `domain`. */
export async function arcSeal(message: string, domain: string, selector: string, key: TestKey, authResults: string, cv: 'none' | 'pass' | 'fail' = 'none'): Promise<string> {
  const headers = await sealMessage(Buffer.from(message), {
    signingDomain: domain,
    selector,
    privateKey: key.privatePem,
    // mailauth's sealer also takes these two, which its type declaration leaves out
    ...({ authResults, cv } as object),
  });
  return headers.toString() + message;
}
