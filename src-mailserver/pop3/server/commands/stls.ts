// STLS (RFC 2595 §4): TLS starts after the +OK; anything the client sent before is dropped.
import { err, type Pop3CommandSpec } from '../session.js';

export const stlsCommand: Pop3CommandSpec<{ name: 'STLS' }> = {
  name: 'STLS',
  states: ['authorization'],
  async run({ conn }) {
    if (!conn.canStartTls) return err('TLS already active');
    return { ok: true, text: 'Begin TLS negotiation', after: 'stls' };
  },
};
