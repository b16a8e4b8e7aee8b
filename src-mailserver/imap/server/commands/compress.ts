// COMPRESS DEFLATE (RFC 4978): raw deflate in both directions from right after the tagged OK.
import { bad, no, type CommandSpec } from '../session.js';

export const compressCommand: CommandSpec<{ name: 'COMPRESS'; mechanism: string }> = {
  name: 'COMPRESS',
  states: ['authenticated', 'selected'],
  async run({ command, conn, session }) {
    if (command.mechanism !== 'DEFLATE') return bad('Unknown compression mechanism.');
    if (conn.capabilityState(session).compressed) return no('Compression already active.', 'COMPRESSIONACTIVE');
    return { status: 'OK', text: 'DEFLATE active.', after: 'compress' };
  },
};
