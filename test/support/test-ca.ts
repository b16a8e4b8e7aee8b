// A throwaway certificate authority for tests (openssl): a CA certificate and leaf certificates for
// given DNS names, as PEM strings, so a test can play a client that verifies certificates.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isIP } from 'node:net';
import { makeTempDir } from './temp-dir.js';
import { run } from './processes.js';

export interface TestCa {
  cert: string;
  issue(names: string[], options?: { days?: number }): Promise<{ key: string; cert: string }>;
  remove(): Promise<void>;
}

async function openssl(args: string[], cwd: string): Promise<void> {
  const r = await run('openssl', args, { cwd, timeoutMs: 30_000 });
  if (r.code !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr}`);
}

export async function makeTestCa(name = 'Homemail Test CA'): Promise<TestCa> {
  const dir = await makeTempDir('test-ca-');
  await openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '30', '-subj', `/CN=${name}`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir.path);
  let serial = 0;
  return {
    cert: await readFile(join(dir.path, 'ca.crt'), 'utf8'),
    async issue(names, options = {}) {
      const id = `leaf${++serial}`;
      await openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${id}.key`, '-out', `${id}.csr`, '-subj', `/CN=${names[0]}`], dir.path);
      await writeFile(join(dir.path, `${id}.ext`), `subjectAltName=${names.map((n) => (isIP(n) ? `IP:${n}` : `DNS:${n}`)).join(',')}\nextendedKeyUsage=serverAuth\n`);
      await openssl(['x509', '-req', '-in', `${id}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-set_serial', String(1000 + serial), '-out', `${id}.crt`, '-days', String(options.days ?? 30), '-extfile', `${id}.ext`], dir.path);
      return { key: await readFile(join(dir.path, `${id}.key`), 'utf8'), cert: await readFile(join(dir.path, `${id}.crt`), 'utf8') };
    },
    remove: () => dir.remove(),
  };
}
