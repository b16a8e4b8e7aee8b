// The certificate every TLS listener uses, swappable at run time: listeners ask for the current
// secure context on each handshake (SNICallback), so a renewed certificate applies to new
// connections without dropping existing ones.
import { createSecureContext, type SecureContext } from 'node:tls';
import { EventEmitter } from 'node:events';
import type { KeyPair } from './self-signed.js';

export class TlsProvider extends EventEmitter {
  private pair: KeyPair;
  private context: SecureContext;

  constructor(pair: KeyPair) {
    super();
    this.pair = pair;
    this.context = createSecureContext({ key: pair.key, cert: pair.cert });
  }

  get keyPair(): KeyPair {
    return this.pair;
  }

  get secureContext(): SecureContext {
    return this.context;
  }

  /** Replace the certificate; throws (keeping the old one) if the pair does not load. */
  update(pair: KeyPair): void {
    const context = createSecureContext({ key: pair.key, cert: pair.cert });
    this.pair = pair;
    this.context = context;
    this.emit('change', pair);
  }

  /** For `tls.createServer` / smtp-server options. */
  sniCallback = (_servername: string, cb: (err: Error | null, ctx?: SecureContext) => void): void => {
    cb(null, this.context);
  };
}
