// First-start certificate: a self-signed RSA 2048 certificate for the server's host name, written
// to DATA/tls/self-signed.{key,crt} (key 0600) and reused on later starts while it is valid.
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile, rename } from 'node:fs/promises';
import { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import selfsigned from 'selfsigned';

export interface KeyPair {
  key: string;
  cert: string;
}

export function tlsDir(dataDir: string): string {
  return join(dataDir, 'tls');
}

export async function ensureSelfSigned(dataDir: string, hostname: string): Promise<KeyPair> {
  const dir = tlsDir(dataDir);
  const keyFile = join(dir, 'self-signed.key');
  const certFile = join(dir, 'self-signed.crt');
  if (existsSync(keyFile) && existsSync(certFile)) {
    const pair = { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8') };
    const x509 = new X509Certificate(pair.cert);
    const stillValid = new Date(x509.validTo).getTime() > Date.now() + 24 * 3600 * 1000;
    if (stillValid && x509.checkHost(hostname) !== undefined) return pair;
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const notBefore = new Date(Date.now() - 3600 * 1000);
  const notAfter = new Date(notBefore.getTime() + 825 * 24 * 3600 * 1000);
  const pems = await selfsigned.generate([{ name: 'commonName', value: hostname }], {
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate: notBefore,
    notAfterDate: notAfter,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: hostname }] },
    ],
  });
  // Write both under temporary names, then rename: a crash never leaves a half-written pair.
  await writeFile(`${keyFile}.tmp`, pems.private, { mode: 0o600 });
  await writeFile(`${certFile}.tmp`, pems.cert, { mode: 0o644 });
  await rename(`${keyFile}.tmp`, keyFile);
  await rename(`${certFile}.tmp`, certFile);
  return { key: pems.private, cert: pems.cert };
}
