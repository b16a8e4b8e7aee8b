// DKIM signing of outgoing mail (RFC 6376; Ed25519 per RFC 8463) with mailauth's signer: every
// active key of the signing domain signs (RSA and Ed25519, so receivers that know only RSA still
// verify), relaxed/relaxed canonicalisation, mailauth's default header list. Signing is streamed:
// the caller writes the message as it arrives and gets the DKIM-Signature fields at the end.
// Keys are parsed once and kept as KeyObjects (an RSA parse costs milliseconds); mailauth takes
// them thanks to patches/mailauth (without the patch, the PEM text is passed as before).
import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createRequire } from 'node:module';
import { PassThrough } from 'node:stream';
import { dkimSign } from 'mailauth';
import type { DkimKey, DkimKeyStore } from './dkim-keys.js';

/** Whether this mailauth accepts a KeyObject (patches/mailauth+*.patch applied). */
const keyObjectsAccepted = ((): boolean => {
  try {
    const tools = createRequire(import.meta.url)('mailauth/lib/tools.js') as { getPrivateKey(k: unknown): unknown };
    const probe = generateKeyPairSync('ed25519').privateKey;
    return tools.getPrivateKey(probe) === probe;
  } catch {
    return false;
  }
})();

export interface DkimSigning {
  /** Feed the message (header and body) in order. */
  write(chunk: Buffer): void;
  /** Finish: the DKIM-Signature fields (CRLF-terminated), '' if signing failed. */
  end(): Promise<string>;
  /** Give up without a result. */
  abort(): void;
}

export class DkimSigner {
  private readonly parsed = new Map<number, { pem: string; key: KeyObject }>();

  constructor(private readonly keys: DkimKeyStore) {}

  private privateKey(k: DkimKey): KeyObject | string {
    if (!keyObjectsAccepted) return k.privateKey;
    let entry = this.parsed.get(k.id);
    if (!entry || entry.pem !== k.privateKey) this.parsed.set(k.id, (entry = { pem: k.privateKey, key: createPrivateKey(k.privateKey) }));
    return entry.key;
  }

  /**
   * The domain whose keys sign mail from `fromDomain`: that domain if it has active keys, else
   * its nearest parent that has (relaxed DMARC alignment), else null.
   */
  signingDomainFor(fromDomain: string): string | null {
    const labels = fromDomain.toLowerCase().split('.');
    for (let i = 0; i < labels.length - 1; i++) {
      const candidate = labels.slice(i).join('.');
      if (this.keys.active(candidate).length > 0) return candidate;
    }
    return null;
  }

  /** Start signing for `domain`'s active keys; null when it has none. */
  start(domain: string, onError: (err: unknown) => void = () => undefined): DkimSigning | null {
    const active = this.keys.active(domain);
    if (active.length === 0) return null;
    const input = new PassThrough();
    const result = dkimSign(input, {
      signingDomain: domain,
      selector: active[0]!.selector,
      privateKey: this.privateKey(active[0]!) as string,
      canonicalization: 'relaxed/relaxed',
      signatureData: active.map((k) => ({
        signingDomain: domain,
        selector: k.selector,
        privateKey: this.privateKey(k) as string,
        algorithm: k.algorithm,
        canonicalization: 'relaxed/relaxed',
      })),
    }).then(
      (r) => {
        if (r.errors?.length) onError(r.errors[0]);
        return r.signatures.trim() ? r.signatures.replace(/\r?\n/g, '\r\n').replace(/(\r\n)*$/, '\r\n') : '';
      },
      (err: unknown) => {
        onError(err);
        return '';
      },
    );
    let aborted = false;
    return {
      write(chunk) {
        if (!aborted) input.write(chunk);
      },
      end() {
        if (!aborted) input.end();
        return result;
      },
      abort() {
        aborted = true;
        input.destroy();
      },
    };
  }

  /** Sign a whole message held in memory. */
  async sign(message: Buffer, domain: string, onError?: (err: unknown) => void): Promise<string> {
    const signing = this.start(domain, onError);
    if (!signing) return '';
    signing.write(message);
    return signing.end();
  }
}
