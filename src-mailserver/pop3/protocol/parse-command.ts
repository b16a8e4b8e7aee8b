// POP3 command lines (RFC 1939 §3, RFC 2449 §3 CAPA, RFC 2595 STLS, RFC 5034 AUTH): a keyword
// of 3-4 letters in any case and up to two arguments, each at most 40 characters (255 with
// AUTH's initial response and PASS, whose argument may contain spaces). Pure; a line that does
// not fit is a ProtocolSyntaxError.
import { ProtocolSyntaxError } from '../../common/errors.js';

export type Pop3Command =
  | { name: 'CAPA' | 'STLS' | 'STAT' | 'NOOP' | 'RSET' | 'QUIT' }
  | { name: 'USER'; user: string }
  | { name: 'PASS'; password: string }
  | { name: 'AUTH'; mechanism: string | null; initial: string | null }
  | { name: 'LIST' | 'UIDL'; msg: number | null }
  | { name: 'RETR' | 'DELE'; msg: number }
  | { name: 'TOP'; msg: number; lines: number };

export const MAX_LINE = 512;

function number(text: string | undefined, what: string): number {
  if (text === undefined || !/^\d{1,10}$/.test(text)) throw new ProtocolSyntaxError(`${what} must be a number`);
  return Number(text);
}

export function parsePop3Command(line: string): Pop3Command {
  if (line.length > MAX_LINE) throw new ProtocolSyntaxError('line too long');
  if (/[\x00-\x08\x0a-\x1f\x7f]/.test(line)) throw new ProtocolSyntaxError('control characters in command');
  const m = /^([A-Za-z]{3,4})(?: (.*))?$/.exec(line);
  if (!m) throw new ProtocolSyntaxError('unknown command');
  const name = m[1]!.toUpperCase();
  const rest = m[2] ?? '';
  const args = rest === '' ? [] : rest.split(' ');
  const count = (min: number, max: number) => {
    if (args.length < min || args.length > max || args.some((a) => a === '' || a.length > 255)) throw new ProtocolSyntaxError(`wrong arguments for ${name}`);
  };
  switch (name) {
    case 'CAPA':
    case 'STLS':
    case 'STAT':
    case 'NOOP':
    case 'RSET':
    case 'QUIT':
      count(0, 0);
      return { name };
    case 'USER':
      count(1, 1);
      return { name, user: args[0]! };
    case 'PASS':
      if (rest === '') throw new ProtocolSyntaxError('PASS needs a password');
      return { name, password: rest };
    case 'AUTH':
      count(0, 2);
      return { name, mechanism: args[0]?.toUpperCase() ?? null, initial: args[1] ?? null };
    case 'LIST':
    case 'UIDL':
      count(0, 1);
      return { name, msg: args.length ? number(args[0], 'message number') : null };
    case 'RETR':
    case 'DELE':
      count(1, 1);
      return { name, msg: number(args[0], 'message number') };
    case 'TOP':
      count(2, 2);
      return { name, msg: number(args[0], 'message number'), lines: number(args[1], 'line count') };
    default:
      throw new ProtocolSyntaxError('unknown command');
  }
}
