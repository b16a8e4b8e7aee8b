// CAPA (RFC 2449 §5): what this server does, shown in both states.
import { ok, type Pop3CommandSpec } from '../session.js';

export const capaCommand: Pop3CommandSpec<{ name: 'CAPA' }> = {
  name: 'CAPA',
  states: ['authorization', 'transaction'],
  async run({ conn, session }) {
    const lines = ['TOP', 'UIDL', 'RESP-CODES', 'AUTH-RESP-CODE', 'PIPELINING', 'EXPIRE NEVER', 'IMPLEMENTATION Homemail'];
    if (session.state === 'authorization') {
      if (conn.canStartTls) lines.push('STLS');
      if (conn.plaintextAllowed()) lines.push('USER', 'SASL PLAIN');
    }
    return ok('Capability list follows', lines);
  },
};
