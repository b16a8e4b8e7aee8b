// The IMAP command parser (RFC 9051 §9 grammar): tag, command name (any case), then the
// arguments of that command, read by its entry in a table of argument grammars. Pure: one
// framed command buffer in, a typed command out, or a ProtocolSyntaxError (BAD) with a position.
import { ProtocolSyntaxError } from '../../common/errors.js';
import type { ImapCommand, QresyncParams } from './command-types.js';
import { parseFetchArgs } from './parse-fetch.js';
import { parseSearchArgs } from './parse-search.js';
import { CommandReader } from './reader.js';

export interface ParsedCommand {
  tag: string;
  command: ImapCommand;
}

type ArgParser = (r: CommandReader, uid: boolean) => ImapCommand;

const noArgs =
  (name: 'CAPABILITY' | 'NOOP' | 'LOGOUT' | 'STARTTLS' | 'CHECK' | 'CLOSE' | 'UNSELECT' | 'IDLE' | 'NAMESPACE' | 'EXPUNGE'): ArgParser =>
  (r) => {
    r.end();
    return { name };
  };

function oneMailbox(name: 'DELETE' | 'SUBSCRIBE' | 'UNSUBSCRIBE'): ArgParser {
  return (r) => {
    r.space();
    const mailbox = r.mailbox();
    r.end();
    return { name, mailbox };
  };
}

function parseQresync(r: CommandReader): QresyncParams {
  r.expect('(');
  const uidValidity = r.nz32();
  r.space();
  const modseq = r.number();
  let knownUids: QresyncParams['knownUids'] = null;
  let seqMatch: QresyncParams['seqMatch'] = null;
  if (r.optionalSpace()) {
    if (r.peekChar() !== '(') {
      knownUids = r.sequenceSet();
      r.optionalSpace();
    }
    if (r.peekChar() === '(') {
      r.pos++;
      const seqs = r.sequenceSet();
      r.space();
      const uids = r.sequenceSet();
      r.expect(')');
      seqMatch = { seqs, uids };
    }
  }
  r.expect(')');
  return { uidValidity, modseq, knownUids, seqMatch };
}

function select(name: 'SELECT' | 'EXAMINE'): ArgParser {
  return (r) => {
    r.space();
    const mailbox = r.mailbox();
    let condstore = false;
    let qresync: QresyncParams | null = null;
    if (r.optionalSpace()) {
      r.list(() => {
        const p = r.atom().toUpperCase();
        if (p === 'CONDSTORE') condstore = true;
        else if (p === 'QRESYNC') {
          r.space();
          qresync = parseQresync(r);
        } else r.fail(`unknown select parameter ${p}`);
      }, true);
    }
    r.end();
    return { name, mailbox, condstore, qresync };
  };
}

function flagList(r: CommandReader): string[] {
  return r.list(() => r.flag());
}

const ARGUMENTS: Record<string, ArgParser> = {
  CAPABILITY: noArgs('CAPABILITY'),
  NOOP: noArgs('NOOP'),
  LOGOUT: noArgs('LOGOUT'),
  STARTTLS: noArgs('STARTTLS'),
  CHECK: noArgs('CHECK'),
  CLOSE: noArgs('CLOSE'),
  UNSELECT: noArgs('UNSELECT'),
  IDLE: noArgs('IDLE'),
  NAMESPACE: noArgs('NAMESPACE'),
  EXPUNGE: (r, uid) => {
    if (!uid) return noArgs('EXPUNGE')(r, uid);
    r.space();
    const set = r.sequenceSet();
    r.end();
    return { name: 'UID EXPUNGE', set };
  },
  COMPRESS: (r) => {
    r.space();
    const mechanism = r.atom().toUpperCase();
    r.end();
    return { name: 'COMPRESS', mechanism };
  },
  AUTHENTICATE: (r) => {
    r.space();
    const mechanism = r.atom().toUpperCase();
    let initial: string | null = null;
    if (r.optionalSpace()) {
      if (r.peekChar() === '=') {
        r.pos++;
        initial = '';
      } else initial = r.atom();
    }
    r.end();
    return { name: 'AUTHENTICATE', mechanism, initial };
  },
  LOGIN: (r) => {
    r.space();
    const username = r.astring();
    r.space();
    const password = r.astring();
    r.end();
    return { name: 'LOGIN', username, password };
  },
  ENABLE: (r) => {
    const capabilities: string[] = [];
    while (r.optionalSpace()) capabilities.push(r.atom().toUpperCase());
    if (capabilities.length === 0) r.fail('ENABLE needs a capability');
    r.end();
    return { name: 'ENABLE', capabilities };
  },
  ID: (r) => {
    r.space();
    let params: [string, string | null][] | null = null;
    if (r.peekWord('NIL')) r.pos += 3;
    else {
      params = [];
      const list = params;
      r.expect('(');
      while (r.peekChar() !== ')') {
        if (list.length >= 30) r.fail('too many ID fields');
        const k = r.string();
        r.space();
        list.push([k, r.nstring()]);
        if (r.peekChar() !== ')') r.space();
      }
      r.pos++;
    }
    r.end();
    return { name: 'ID', params };
  },
  SELECT: select('SELECT'),
  EXAMINE: select('EXAMINE'),
  CREATE: (r) => {
    r.space();
    const mailbox = r.mailbox();
    const specialUse: string[] = [];
    if (r.optionalSpace()) {
      r.list(() => {
        if (r.atom().toUpperCase() !== 'USE') r.fail('unknown CREATE parameter');
        r.space();
        specialUse.push(...r.list(() => r.flag()));
      });
    }
    r.end();
    return { name: 'CREATE', mailbox, specialUse };
  },
  DELETE: oneMailbox('DELETE'),
  SUBSCRIBE: oneMailbox('SUBSCRIBE'),
  UNSUBSCRIBE: oneMailbox('UNSUBSCRIBE'),
  RENAME: (r) => {
    r.space();
    const from = r.mailbox();
    r.space();
    const to = r.mailbox();
    r.end();
    return { name: 'RENAME', from, to };
  },
  LIST: (r) => {
    r.space();
    let selection: string[] = [];
    let extended = false;
    if (r.peekChar() === '(') {
      selection = r.list(() => r.atom().toUpperCase());
      extended = true;
      r.space();
    }
    const reference = r.mailbox();
    r.space();
    let patterns: string[];
    if (r.peekChar() === '(') {
      patterns = r.list(() => r.listMailbox(), true);
      extended = true;
    } else patterns = [r.listMailbox()];
    const returns: string[] = [];
    const statusItems: string[] = [];
    if (r.optionalSpace()) {
      if (r.atom().toUpperCase() !== 'RETURN') r.fail('expected RETURN');
      r.space();
      extended = true;
      r.list(() => {
        const opt = r.atom().toUpperCase();
        returns.push(opt);
        if (opt === 'STATUS') {
          r.space();
          statusItems.push(...r.list(() => r.atom().toUpperCase(), true));
        }
      });
    }
    r.end();
    return { name: 'LIST', selection, reference, patterns, returns, statusItems, extended };
  },
  LSUB: (r) => listLike(r, 'LSUB'),
  XLIST: (r) => listLike(r, 'XLIST'),
  STATUS: (r) => {
    r.space();
    const mailbox = r.mailbox();
    r.space();
    const items = r.list(() => r.atom().toUpperCase(), true);
    r.end();
    return { name: 'STATUS', mailbox, items };
  },
  APPEND: (r) => {
    r.space();
    const mailbox = r.mailbox();
    r.space();
    let flags: string[] = [];
    let date: number | null = null;
    if (r.peekChar() === '(') {
      flags = flagList(r);
      r.space();
    }
    if (r.peekChar() === '"') {
      date = r.dateTime();
      r.space();
    }
    let message: Buffer;
    let binary = false;
    if (r.peekWord('UTF8 ')) {
      r.pos += 5;
      r.expect('(');
      message = r.literal(true);
      r.expect(')');
      binary = true;
    } else {
      binary = r.peekChar() === '~';
      message = r.literal(true);
    }
    if (!r.atEnd()) r.fail('MULTIAPPEND is not supported');
    return { name: 'APPEND', mailbox, flags, date, message, binary };
  },
  SEARCH: (r, uid) => {
    r.space();
    return { name: 'SEARCH', uid, ...parseSearchArgs(r) };
  },
  FETCH: (r, uid) => {
    r.space();
    const set = r.sequenceSet();
    r.space();
    return { name: 'FETCH', uid, set, ...parseFetchArgs(r) };
  },
  STORE: (r, uid) => {
    r.space();
    const set = r.sequenceSet();
    r.space();
    let unchangedSince: number | null = null;
    if (r.peekChar() === '(') {
      r.list(() => {
        if (r.atom().toUpperCase() !== 'UNCHANGEDSINCE') r.fail('unknown STORE modifier');
        r.space();
        unchangedSince = r.number();
      }, true);
      r.space();
    }
    let op: 'set' | 'add' | 'remove' = 'set';
    if (r.peekChar() === '+' || r.peekChar() === '-') {
      op = r.peekChar() === '+' ? 'add' : 'remove';
      r.pos++;
    }
    const item = r.atom().toUpperCase();
    if (item !== 'FLAGS' && item !== 'FLAGS.SILENT') r.fail('expected FLAGS or FLAGS.SILENT');
    r.space();
    let flags: string[];
    if (r.peekChar() === '(') flags = flagList(r);
    else {
      flags = [r.flag()];
      while (r.optionalSpace()) flags.push(r.flag());
    }
    r.end();
    return { name: 'STORE', uid, set, op, silent: item === 'FLAGS.SILENT', flags, unchangedSince };
  },
  COPY: (r, uid) => copyLike(r, uid, 'COPY'),
  MOVE: (r, uid) => copyLike(r, uid, 'MOVE'),
  GETQUOTA: (r) => {
    r.space();
    const root = r.astring();
    r.end();
    return { name: 'GETQUOTA', root };
  },
  GETQUOTAROOT: (r) => {
    r.space();
    const mailbox = r.mailbox();
    r.end();
    return { name: 'GETQUOTAROOT', mailbox };
  },
  SETQUOTA: (r) => {
    r.space();
    const root = r.astring();
    r.rest();
    return { name: 'SETQUOTA', root };
  },
};

const UID_COMMANDS = new Set(['FETCH', 'SEARCH', 'STORE', 'COPY', 'MOVE', 'EXPUNGE']);

function listLike(r: CommandReader, name: 'LSUB' | 'XLIST'): ImapCommand {
  r.space();
  const reference = r.mailbox();
  r.space();
  const pattern = r.listMailbox();
  r.end();
  return { name, reference, pattern };
}

function copyLike(r: CommandReader, uid: boolean, name: 'COPY' | 'MOVE'): ImapCommand {
  r.space();
  const set = r.sequenceSet();
  r.space();
  const mailbox = r.mailbox();
  r.end();
  return { name, uid, set, mailbox };
}

/** The tag of a command line, if it has a readable one (for BAD replies to unparseable commands). */
export function tagOf(data: Buffer): string | null {
  const m = /^([\x21-\x7e]+) /.exec(data.subarray(0, 256).toString('latin1'));
  return m && !/[(){%*"\\+]/.test(m[1]!) ? m[1]! : null;
}

export function parseCommand(data: Buffer): ParsedCommand {
  const r = new CommandReader(data);
  const tag = r.tag();
  r.space();
  let name = r.atom().toUpperCase();
  let uid = false;
  if (name === 'UID') {
    uid = true;
    r.space();
    name = r.atom().toUpperCase();
    if (!UID_COMMANDS.has(name)) throw new ProtocolSyntaxError(`UID ${name} is not a command`, r.pos);
  }
  const parser = Object.hasOwn(ARGUMENTS, name) ? ARGUMENTS[name] : undefined;
  if (!parser) throw new ProtocolSyntaxError(`unknown command ${name.slice(0, 40)}`, 0);
  return { tag, command: parser(r, uid) };
}
