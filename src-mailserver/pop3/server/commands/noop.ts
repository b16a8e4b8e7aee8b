// NOOP (RFC 1939 §5).
import { ok, type Pop3CommandSpec } from '../session.js';

export const noopCommand: Pop3CommandSpec<{ name: 'NOOP' }> = {
  name: 'NOOP',
  states: ['transaction'],
  async run() {
    return ok('');
  },
};
