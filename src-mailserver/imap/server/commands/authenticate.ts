// AUTHENTICATE (RFC 9051 §6.2.2) with PLAIN (RFC 4616) and LOGIN, and SASL-IR (RFC 4959)
// initial responses. `*` cancels. The credentials go through the same path as LOGIN.
import { bad, no, type CommandSpec } from '../session.js';
import { passwordLogin } from './login.js';

function decode(line: string): Buffer | null {
  if (line === '' || line === '=') return Buffer.alloc(0);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(line) || line.length % 4 !== 0) return null;
  return Buffer.from(line, 'base64');
}

export const authenticateCommand: CommandSpec<{ name: 'AUTHENTICATE'; mechanism: string; initial: string | null }> = {
  name: 'AUTHENTICATE',
  states: ['notAuthenticated'],
  async run(ctx) {
    const { command, conn } = ctx;
    if (!conn.capabilityState(ctx.session).plaintextAllowed) return no('Plaintext authentication disallowed on non-secure connections.', 'PRIVACYREQUIRED');
    const ask = async (challenge: string): Promise<Buffer | 'cancel' | 'bad'> => {
      const line = await conn.continuation(challenge);
      if (line === null) return 'cancel';
      const text = line.toString('latin1').trim();
      if (text === '*') return 'cancel';
      return decode(text) ?? 'bad';
    };
    if (command.mechanism === 'PLAIN') {
      let response = command.initial !== null ? decode(command.initial) : await ask('');
      if (response === null || response === 'bad') return bad('Invalid base64 data.');
      if (response === 'cancel') return bad('Authentication cancelled.');
      const parts = response.toString('utf8').split('\0');
      if (parts.length !== 3) return bad('Invalid PLAIN response.');
      const [authzid, authcid, password] = parts as [string, string, string];
      if (authzid && authzid.toLowerCase() !== authcid.toLowerCase()) return no('Authorization identity not allowed.', 'AUTHORIZATIONFAILED');
      response = null;
      return passwordLogin(ctx, authcid, password);
    }
    if (command.mechanism === 'LOGIN') {
      const user = command.initial !== null ? decode(command.initial) : await ask(Buffer.from('Username:').toString('base64'));
      if (user === null || user === 'bad') return bad('Invalid base64 data.');
      if (user === 'cancel') return bad('Authentication cancelled.');
      const pass = await ask(Buffer.from('Password:').toString('base64'));
      if (pass === 'bad') return bad('Invalid base64 data.');
      if (pass === 'cancel') return bad('Authentication cancelled.');
      return passwordLogin(ctx, user.toString('utf8'), pass.toString('utf8'));
    }
    return no('Unsupported authentication mechanism.', 'CANNOT');
  },
};
