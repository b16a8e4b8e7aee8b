// The log view's filter, applied in the browser to the lines it holds (the server applies the
// same rules to history requests): lowest level, component, id, and words where `key:value`
// matches one field (`ip:`, `id:`, `domain:` are shorthands).
import type { LogFilter, LogLevelName, LogLine } from '../../src-mailserver/admin/contract.js';

export const LEVEL_VALUES: Record<LogLevelName, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };
export const ID_FIELDS = ['cid', 'queueId', 'msgid', 'id', 'messageId'];
const IP_FIELDS = ['remote', 'ip', 'remoteAddress', 'host'];

export function isEmptyFilter(f: LogFilter): boolean {
  return !f.level && !f.component && !f.text?.trim() && !f.id;
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

export function fieldText(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map(fieldText).join(', ');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** One line of plain text per log line, for export. */
export function formatLogLine(line: LogLine): string {
  const fields = Object.entries(line.fields)
    .map(([k, v]) => `${k}=${/[\s"]/.test(fieldText(v)) ? JSON.stringify(fieldText(v)) : fieldText(v)}`)
    .join(' ');
  return `${new Date(line.time).toISOString()} ${line.level.toUpperCase().padEnd(5)} ${line.component} ${line.msg}${fields ? ' ' + fields : ''}`;
}
