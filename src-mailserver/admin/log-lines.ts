// Log records as the UI sees them (LogLine: level name, component, message, other fields) and the
// log view's filter: lowest level, component, id, and text words where `key:value` matches one
// field (`ip:`, `id:`, `domain:` are shorthands for the fields that carry them).
import type { LogEntry, LogRecord } from '../log/ring-buffer.js';
import type { LogFilter, LogLevelName, LogLine } from './contract.js';

const LEVELS: [number, LogLevelName][] = [
  [60, 'fatal'],
  [50, 'error'],
  [40, 'warn'],
  [30, 'info'],
  [20, 'debug'],
  [0, 'trace'],
];
export const LEVEL_VALUES: Record<LogLevelName, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };

const ID_FIELDS = ['cid', 'queueId', 'msgid', 'id', 'messageId'];
const IP_FIELDS = ['remote', 'ip', 'remoteAddress', 'host'];
const MAX_FIELD_TEXT = 2000;

export function levelName(level: number): LogLevelName {
  for (const [min, name] of LEVELS) if (level >= min) return name;
  return 'trace';
}

export function toLogLine(entry: LogEntry): LogLine {
  const { record, seq } = entry;
  const { level, time, msg, component, proto, ...rest } = record;
  const fields: Record<string, unknown> = {};
  if (typeof proto === 'string') fields.proto = proto;
  for (const [k, v] of Object.entries(rest)) fields[k] = k === 'err' ? summariseError(v) : clip(v);
  return {
    seq,
    time: typeof time === 'number' ? time : Date.now(),
    level: levelName(typeof level === 'number' ? level : 30),
    component: typeof component === 'string' ? component : typeof proto === 'string' ? proto : 'server',
    msg: typeof msg === 'string' ? msg : '',
    fields,
  };
}

function summariseError(v: unknown): unknown {
  if (v && typeof v === 'object') {
    const e = v as { type?: unknown; message?: unknown; code?: unknown };
    return { type: e.type, message: e.message, code: e.code };
  }
  return clip(v);
}

function clip(v: unknown): unknown {
  if (typeof v === 'string' && v.length > MAX_FIELD_TEXT) return v.slice(0, MAX_FIELD_TEXT) + '…';
  return v;
}

/** A predicate over raw records for LogRingBuffer.entries. */
export function recordFilter(filter: LogFilter | undefined): ((r: LogRecord) => boolean) | undefined {
  if (!filter || (!filter.level && !filter.component && !filter.text && !filter.id)) return undefined;
  const match = lineMatcher(filter);
  return (r) => match(toLogLine({ seq: 0, record: r }));
}

export function lineMatcher(filter: LogFilter): (line: LogLine) => boolean {
  const min = filter.level ? LEVEL_VALUES[filter.level] : 0;
  const component = filter.component?.toLowerCase();
  const id = filter.id?.trim();
  const words = (filter.text ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  return (line) => {
    if (LEVEL_VALUES[line.level] < min) return false;
    if (component && line.component.toLowerCase() !== component) return false;
    if (id && !ID_FIELDS.some((f) => fieldText(line.fields[f]) === id)) return false;
    return words.every((w) => wordMatches(line, w));
  };
}

function wordMatches(line: LogLine, word: string): boolean {
  const colon = word.indexOf(':');
  if (colon > 0 && colon < word.length - 1) {
    const key = word.slice(0, colon);
    const value = word.slice(colon + 1);
    if (key === 'ip') return IP_FIELDS.some((f) => fieldText(line.fields[f]).toLowerCase().includes(value));
    if (key === 'id') return ID_FIELDS.some((f) => fieldText(line.fields[f]).toLowerCase() === value);
    if (key === 'domain') return Object.values(line.fields).some((v) => fieldText(v).toLowerCase().split(/[\s,]+/).some((t) => t === value || t.endsWith('@' + value)));
    if (key === 'level') return line.level === value;
    if (key === 'component') return line.component.toLowerCase() === value;
    const field = Object.keys(line.fields).find((k) => k.toLowerCase() === key);
    if (field) return fieldText(line.fields[field]).toLowerCase().includes(value);
  }
  if (line.msg.toLowerCase().includes(word) || line.component.toLowerCase().includes(word)) return true;
  return Object.values(line.fields).some((v) => fieldText(v).toLowerCase().includes(word));
}

function fieldText(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map(fieldText).join(', ');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}
