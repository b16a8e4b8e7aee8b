// The typed IMAP commands the parser produces and the handlers consume (RFC 9051 §6 and the
// extensions we offer: UIDPLUS, MOVE, CONDSTORE/QRESYNC, ESEARCH, SEARCHRES, LIST-EXTENDED,
// LIST-STATUS, SPECIAL-USE, ENABLE, ID, NAMESPACE, IDLE, COMPRESS, QUOTA, BINARY, UTF8=ACCEPT).
import type { SequenceSet } from './reader.js';

export type { SequenceSet };

export interface Section {
  /** Part numbers, e.g. [1, 2] for `1.2`; empty for the whole message. */
  part: number[];
  text: null | 'HEADER' | 'HEADER.FIELDS' | 'HEADER.FIELDS.NOT' | 'TEXT' | 'MIME';
  /** Field names for HEADER.FIELDS(.NOT), as the client spelled them. */
  fields: string[];
}

export type FetchAttribute =
  | { type: 'UID' | 'FLAGS' | 'INTERNALDATE' | 'RFC822.SIZE' | 'ENVELOPE' | 'BODYSTRUCTURE' | 'BODY' | 'MODSEQ' }
  | { type: 'RFC822' | 'RFC822.HEADER' | 'RFC822.TEXT' }
  | { type: 'BODY[]'; peek: boolean; section: Section; partial: { start: number; length: number } | null }
  | { type: 'BINARY[]'; peek: boolean; section: Section; partial: { start: number; length: number } | null }
  | { type: 'BINARY.SIZE'; section: Section };

export interface SearchDate {
  y: number;
  m: number;
  d: number;
}

export type SearchKey =
  | { type: 'all' }
  | { type: 'flag'; flag: number; set: boolean }
  | { type: 'keyword'; keyword: string; set: boolean }
  | { type: 'new' | 'old' | 'recent' }
  | { type: 'header'; field: string; value: string }
  | { type: 'body' | 'text'; value: string }
  | { type: 'date'; sent: boolean; op: 'before' | 'on' | 'since'; date: SearchDate }
  | { type: 'within'; older: boolean; seconds: number }
  | { type: 'size'; larger: boolean; size: number }
  | { type: 'uid' | 'seq'; set: SequenceSet }
  | { type: 'not'; key: SearchKey }
  | { type: 'or'; a: SearchKey; b: SearchKey }
  | { type: 'and'; keys: SearchKey[] }
  | { type: 'modseq'; modseq: number };

export type SearchReturn = 'MIN' | 'MAX' | 'ALL' | 'COUNT' | 'SAVE';

export interface ListCommand {
  name: 'LIST';
  selection: string[];
  reference: string;
  patterns: string[];
  returns: string[];
  /** STATUS items requested in RETURN (LIST-STATUS, RFC 5819). */
  statusItems: string[];
  /** Whether the client used any LIST-EXTENDED syntax. */
  extended: boolean;
}

export interface QresyncParams {
  uidValidity: number;
  modseq: number;
  knownUids: SequenceSet | null;
  seqMatch: { seqs: SequenceSet; uids: SequenceSet } | null;
}

export type ImapCommand =
  | { name: 'CAPABILITY' | 'NOOP' | 'LOGOUT' | 'STARTTLS' | 'CHECK' | 'CLOSE' | 'UNSELECT' | 'IDLE' | 'NAMESPACE' }
  | { name: 'EXPUNGE' }
  | { name: 'UID EXPUNGE'; set: SequenceSet }
  | { name: 'COMPRESS'; mechanism: string }
  | { name: 'AUTHENTICATE'; mechanism: string; initial: string | null }
  | { name: 'LOGIN'; username: string; password: string }
  | { name: 'ENABLE'; capabilities: string[] }
  | { name: 'ID'; params: [string, string | null][] | null }
  | { name: 'SELECT' | 'EXAMINE'; mailbox: string; condstore: boolean; qresync: QresyncParams | null }
  | { name: 'CREATE'; mailbox: string; specialUse: string[] }
  | { name: 'DELETE' | 'SUBSCRIBE' | 'UNSUBSCRIBE'; mailbox: string }
  | { name: 'RENAME'; from: string; to: string }
  | ListCommand
  | { name: 'LSUB' | 'XLIST'; reference: string; pattern: string }
  | { name: 'STATUS'; mailbox: string; items: string[] }
  | {
      name: 'APPEND';
      mailbox: string;
      flags: string[];
      date: number | null;
      message: Buffer;
      /** Sent as literal8 (`~{n}`, BINARY) or in UTF8 (...) (RFC 6855). */
      binary: boolean;
    }
  | { name: 'SEARCH'; uid: boolean; returns: SearchReturn[] | null; charset: string | null; key: SearchKey }
  | {
      name: 'FETCH';
      uid: boolean;
      set: SequenceSet;
      attributes: FetchAttribute[];
      /** Which macro or list form was used, for nothing but logging. */
      changedSince: number | null;
      vanished: boolean;
    }
  | {
      name: 'STORE';
      uid: boolean;
      set: SequenceSet;
      op: 'set' | 'add' | 'remove';
      silent: boolean;
      flags: string[];
      unchangedSince: number | null;
    }
  | { name: 'COPY' | 'MOVE'; uid: boolean; set: SequenceSet; mailbox: string }
  | { name: 'GETQUOTA'; root: string }
  | { name: 'GETQUOTAROOT'; mailbox: string }
  | { name: 'SETQUOTA'; root: string };

export type CommandName = ImapCommand['name'];
