// STARTTLS (RFC 9051 §6.2.1): the handshake starts after the tagged OK; the connection drops any
// input the client sent before it.
import { bad, type CommandSpec } from '../session.js';

export const starttlsCommand: CommandSpec<{ name: 'STARTTLS' }> = {
  name: 'STARTTLS',
  states: ['notAuthenticated'],
  async run({ conn }) {
    if (!conn.canStartTls) return bad('TLS is already active.');
    return { status: 'OK', text: 'Begin TLS negotiation now.', after: 'starttls' };
  },
};
