// Certificates from an ACME CA (RFC 8555) with acme-client: the account key is kept in
// DATA/tls/acme/account.key; each order proves control of every name with HTTP-01 (§8.3), the
// challenge answered by our port-80 listener through AcmeChallengeStore. acme-client's own
// pre-check of the challenge is skipped: it resolves through the system DNS and would fail behind
// NAT without hairpinning, while the CA's validation is the one that counts.
import { Agent } from 'node:https';
import { rootCertificates } from 'node:tls';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as acme from 'acme-client';
import type { Logger } from 'pino';
import { UserError } from '../common/errors.js';
import type { AcmeChallengeStore } from './acme-challenges.js';
import { writeFileDurably } from './certificate-files.js';
import type { KeyPair } from './self-signed.js';

export interface AcmeIssuerOptions {
  directoryUrl: string;
  email: string | null;
  /** PEM file of extra CAs to trust for the ACME server itself (a private CA, pebble in tests). */
  caFile: string | null;
  /** DATA/tls/acme */
  dir: string;
  challenges: AcmeChallengeStore;
  log: Logger;
}

export class AcmeIssuer {
  private client: acme.Client | null = null;

  constructor(private readonly options: AcmeIssuerOptions) {}

  private async accountKey(): Promise<Buffer> {
    const file = join(this.options.dir, 'account.key');
    if (existsSync(file)) return readFile(file);
    const key = await acme.crypto.createPrivateRsaKey(2048);
    await writeFileDurably(file, key.toString());
    return key;
  }

  private async getClient(): Promise<acme.Client> {
    if (this.client) return this.client;
    if (this.options.caFile) {
      const extra = await readFile(this.options.caFile, 'utf8').catch((err: Error) => {
        throw new UserError(`cannot read tls.acme.caFile: ${err.message}`);
      });
      // acme-client talks through one shared axios instance: trust the extra CA there.
      acme.axios.defaults.httpsAgent = new Agent({ ca: [...rootCertificates, extra], keepAlive: false });
    }
    this.client = new acme.Client({ directoryUrl: this.options.directoryUrl, accountKey: await this.accountKey() });
    return this.client;
  }

  /** Order a certificate for `names` (the first is the subject); resolves with the new pair. */
  async issue(names: string[]): Promise<KeyPair> {
    const client = await this.getClient();
    const [key, csr] = await acme.crypto.createCsr({ commonName: names[0]!, altNames: names }, await acme.crypto.createPrivateRsaKey(2048));
    const { challenges, log } = this.options;
    const cert = await client.auto({
      csr,
      email: this.options.email ?? undefined,
      termsOfServiceAgreed: true,
      challengePriority: ['http-01'],
      skipChallengeVerification: true,
      challengeCreateFn: async (authz, challenge, keyAuthorization) => {
        if (challenge.type !== 'http-01') throw new Error(`unsupported challenge ${challenge.type}`);
        log.info({ name: authz.identifier.value }, 'acme challenge ready');
        challenges.set(challenge.token, keyAuthorization);
      },
      challengeRemoveFn: async (_authz, challenge) => {
        challenges.delete(challenge.token);
      },
    });
    return { key: key.toString(), cert };
  }
}
