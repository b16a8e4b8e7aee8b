// ENABLE (RFC 5161) for CONDSTORE (RFC 7162), QRESYNC (which implies CONDSTORE), UTF8=ACCEPT
// (RFC 6855) and IMAP4rev2 (RFC 9051 §6.3.1). Only newly enabled ones are listed in ENABLED.
import { ok, type CommandSpec } from '../session.js';

const SUPPORTED = new Set(['CONDSTORE', 'QRESYNC', 'UTF8=ACCEPT', 'IMAP4REV2']);

export const enableCommand: CommandSpec<{ name: 'ENABLE'; capabilities: string[] }> = {
  name: 'ENABLE',
  states: ['authenticated', 'selected'],
  async run({ command, session, conn }) {
    const now: string[] = [];
    for (const cap of command.capabilities) {
      const want = cap === 'QRESYNC' ? ['CONDSTORE', 'QRESYNC'] : [cap];
      for (const c of want) {
        if (!SUPPORTED.has(c) || session.enabled.has(c)) continue;
        session.enabled.add(c);
        if (c === 'CONDSTORE') session.condstore = true;
        if (c === 'CONDSTORE' && cap === 'QRESYNC') continue; // implied; list only what was asked
        now.push(c === 'IMAP4REV2' ? 'IMAP4rev2' : c);
      }
    }
    await conn.send(`* ENABLED${now.map((c) => ' ' + c).join('')}\r\n`);
    return ok('Enabled.');
  },
};
