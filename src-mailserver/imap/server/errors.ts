// The one place errors become IMAP replies (RFC 9051 §7.1, RFC 5530 response codes): a
// client's mistake is NO with a fixed text and a code, a syntax error is BAD, anything else is
// our fault: NO [SERVERBUG] with a reference to the log, where the detail and stack go.
import type { Logger } from 'pino';
import { ProtocolSyntaxError, UserError } from '../../common/errors.js';
import type { CommandResult } from './session.js';

const CODES: Record<string, string> = {
  nonexistent: 'NONEXISTENT',
  alreadyexists: 'ALREADYEXISTS',
  cannot: 'CANNOT',
  overquota: 'OVERQUOTA',
  inuse: 'INUSE',
  trycreate: 'TRYCREATE',
  limit: 'LIMIT',
  noperm: 'NOPERM',
  expungeissued: 'EXPUNGEISSUED',
  badcharset: 'BADCHARSET (US-ASCII UTF-8)',
  unknowncte: 'UNKNOWN-CTE',
  toobig: 'TOOBIG',
  clientbug: 'CLIENTBUG',
};

export function errorReply(err: unknown, log: Logger, context: Record<string, unknown>): CommandResult {
  if (err instanceof ProtocolSyntaxError) return { status: 'BAD', text: `Error in IMAP command: ${err.message}` };
  if (err instanceof UserError) {
    if (err.code === 'bad') return { status: 'BAD', text: err.message };
    return { status: 'NO', code: CODES[err.code], text: err.message };
  }
  const ref = new Date().toISOString();
  log.error({ ...context, err, ref }, 'IMAP command failed');
  return { status: 'NO', code: 'SERVERBUG', text: `Internal error occurred. Refer to server log for more information. [${ref}]` };
}
