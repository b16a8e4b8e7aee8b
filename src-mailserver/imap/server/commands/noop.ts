// NOOP (RFC 9051 §6.1.2): does nothing but give the server a chance to report changes, which
// the connection does after every command in the selected state.
import { ok, type CommandSpec } from '../session.js';

export const noopCommand: CommandSpec<{ name: 'NOOP' }> = {
  name: 'NOOP',
  states: ['notAuthenticated', 'authenticated', 'selected'],
  async run() {
    return ok('NOOP completed.');
  },
};
