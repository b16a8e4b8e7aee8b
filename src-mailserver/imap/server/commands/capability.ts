// CAPABILITY (RFC 9051 §6.1.1).
import { capabilities } from '../capabilities.js';
import { ok, type CommandSpec } from '../session.js';

export const capabilityCommand: CommandSpec<{ name: 'CAPABILITY' }> = {
  name: 'CAPABILITY',
  states: ['notAuthenticated', 'authenticated', 'selected'],
  async run({ conn, session }) {
    await conn.send(`* CAPABILITY ${capabilities(conn.capabilityState(session)).join(' ')}\r\n`);
    return ok('Capability completed.');
  },
};
