// CHECK (RFC 3501 §6.4.1; removed in IMAP4rev2, kept for IMAP4rev1 clients): a checkpoint. Our
// writes are durable when acknowledged, so this is NOOP.
import { ok, type CommandSpec } from '../session.js';

export const checkCommand: CommandSpec<{ name: 'CHECK' }> = {
  name: 'CHECK',
  states: ['selected'],
  async run() {
    return ok('Check completed.');
  },
};
