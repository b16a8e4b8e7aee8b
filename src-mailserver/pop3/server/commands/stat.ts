// STAT (RFC 1939 §5): count and size of the messages not marked deleted.
import { ok, type Pop3CommandSpec } from '../session.js';

export const statCommand: Pop3CommandSpec<{ name: 'STAT' }> = {
  name: 'STAT',
  states: ['transaction'],
  async run({ session }) {
    const { count, size } = session.maildrop!.stat();
    return ok(`${count} ${size}`);
  },
};
