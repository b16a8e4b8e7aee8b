// Checks of the Date (RFC 5322 §3.3, §3.6.1: exactly one, date-time syntax, obsolete zones of
// §4.3 accepted) and Message-ID (§3.6.4: at most one, `<left@right>`) header fields, plus a
// date far in the future or the past. Pure.
import type { HeaderField } from '../mail/header-fields.js';
import type { RuleName } from './rules.js';

export interface HeaderHit {
  rule: RuleName;
  detail?: string;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const NAMED_ZONES: Record<string, number> = { ut: 0, gmt: 0, z: 0, est: -300, edt: -240, cst: -360, cdt: -300, mst: -420, mdt: -360, pst: -480, pdt: -420 };
const DATE_TIME =
  /^(?:(mon|tue|wed|thu|fri|sat|sun)\s*,\s*)?(\d{1,2})\s+([a-z]{3})\s+(\d{2,4})\s+(\d{2})\s*:\s*(\d{2})(?:\s*:\s*(\d{2}))?\s+([+-]\d{4}|[a-z]{1,3})(?:\s*\([^()]*\))?$/i;

/** Milliseconds since the epoch of an RFC 5322 date-time, or null when it does not parse. */
export function parseRfc5322Date(text: string): number | null {
  const m = DATE_TIME.exec(text.replace(/\s+/g, ' ').trim());
  if (!m) return null;
  const day = Number(m[2]);
  const month = MONTHS.indexOf(m[3]!.toLowerCase());
  let year = Number(m[4]);
  if (m[4]!.length === 2) year += year < 50 ? 2000 : 1900; // obs-year (§4.3)
  else if (m[4]!.length === 3) year += 1900;
  const hour = Number(m[5]);
  const minute = Number(m[6]);
  const second = m[7] === undefined ? 0 : Number(m[7]);
  if (month < 0 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return null;
  const zone = m[8]!.toLowerCase();
  let offsetMin: number;
  if (/^[+-]\d{4}$/.test(zone)) {
    const hh = Number(zone.slice(1, 3));
    const mm = Number(zone.slice(3, 5));
    if (mm > 59) return null;
    offsetMin = (zone[0] === '-' ? -1 : 1) * (hh * 60 + mm);
  } else if (zone in NAMED_ZONES) offsetMin = NAMED_ZONES[zone]!;
  else if (/^[a-ik-z]$/.test(zone)) offsetMin = 0; // military zones: §4.3 says treat as -0000
  else return null;
  const t = Date.UTC(year, month, day, hour, minute, second) - offsetMin * 60_000;
  // Reject a day that does not exist in that month (Feb 30 rolls over in Date.UTC).
  if (new Date(Date.UTC(year, month, day)).getUTCDate() !== day) return null;
  return t;
}

const MSG_ID = /^<[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@(?:[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+|\[[\x21-\x5a\x5e-\x7e]*\])>$/;

export function isValidMessageId(text: string): boolean {
  return MSG_ID.test(text.replace(/\s*\([^()]*\)\s*$/, '').trim());
}

const DAY = 24 * 3600_000;

export function checkDateAndMessageId(fields: readonly HeaderField[], now: number): HeaderHit[] {
  const hits: HeaderHit[] = [];
  const values = (name: string) => fields.filter((f) => f.name.toLowerCase() === name).map((f) => f.value);
  const dates = values('date');
  if (dates.length === 0) hits.push({ rule: 'DATE_MISSING' });
  else if (dates.length > 1) hits.push({ rule: 'DATE_INVALID', detail: `${dates.length} Date fields` });
  else {
    const t = parseRfc5322Date(dates[0]!);
    if (t === null) hits.push({ rule: 'DATE_INVALID', detail: dates[0]! });
    else if (t > now + DAY) hits.push({ rule: 'DATE_IN_FUTURE', detail: dates[0]! });
    else if (t < now - 30 * DAY) hits.push({ rule: 'DATE_IN_PAST', detail: dates[0]! });
  }
  const ids = values('message-id');
  if (ids.length === 0) hits.push({ rule: 'MSGID_MISSING' });
  else if (ids.length > 1) hits.push({ rule: 'MSGID_INVALID', detail: `${ids.length} Message-ID fields` });
  else if (!isValidMessageId(ids[0]!)) hits.push({ rule: 'MSGID_INVALID', detail: ids[0]! });
  return hits;
}
