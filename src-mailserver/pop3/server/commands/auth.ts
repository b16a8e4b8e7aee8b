// AUTH (RFC 5034) with the PLAIN mechanism (RFC 4616), initial response allowed; `*` cancels.
// Bare AUTH lists the mechanisms (the old RFC 1734 form some clients probe with).
import { err, ok, type Pop3CommandSpec } from '../session.js';
import { passwordLogin } from './login.js';

export const authCommand: Pop3CommandSpec<{ name: 'AUTH'; mechanism: string | null; initial: string | null }> = {
  name: 'AUTH',
  states: ['authorization'],
  async run(ctx) {
    const { command, conn } = ctx;
    if (command.mechanism === null) return ok('Mechanisms follow', conn.plaintextAllowed() ? ['PLAIN'] : []);
    if (command.mechanism !== 'PLAIN') return err('Unsupported mechanism');
    if (!conn.plaintextAllowed()) return err('Plaintext authentication disallowed on non-secure connections', 'AUTH');
    let response = command.initial;
    if (response === null) {
      response = await conn.continuation('');
      if (response === null) return err('Connection closed');
    }
    if (response === '*') return err('Authentication cancelled');
    if (response === '=') response = '';
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(response) || response.length % 4 !== 0) return err('Invalid base64 data');
    const parts = Buffer.from(response, 'base64').toString('utf8').split('\0');
    if (parts.length !== 3) return err('Invalid PLAIN response');
    const [authzid, authcid, password] = parts as [string, string, string];
    if (authzid && authzid.toLowerCase() !== authcid.toLowerCase()) return err('Authorization identity not allowed', 'AUTH');
    return passwordLogin(ctx, authcid, password);
  },
};
