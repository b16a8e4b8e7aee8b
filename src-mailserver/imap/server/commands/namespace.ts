// NAMESPACE (RFC 2342, RFC 9051 §6.3.10): one personal namespace, no prefix, `/` as separator.
import { ok, type CommandSpec } from '../session.js';

export const namespaceCommand: CommandSpec<{ name: 'NAMESPACE' }> = {
  name: 'NAMESPACE',
  states: ['authenticated', 'selected'],
  async run({ conn }) {
    await conn.send('* NAMESPACE (("" "/")) NIL NIL\r\n');
    return ok('Namespace completed.');
  },
};
