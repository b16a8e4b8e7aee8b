// The X-Spam-* header fields we add, in SpamAssassin's familiar shape so mail clients' filters
// understand them: X-Spam-Flag (only for spam), X-Spam-Score, X-Spam-Status (Yes/No, score,
// threshold, the rules that hit with their scores) and X-Spam-Report (one line per rule with its
// description and detail: why the message was scored as it was). Also which fields a sender may
// not bring with them: any X-Spam-* and Authentication-Results under our authserv-id (RFC 8601 §5).
import type { ScoreCard } from './score-card.js';

export type SpamAction = 'inbox' | 'junk' | 'refuse';

export interface Thresholds {
  flag: number;
  junk: number;
  reject: number;
}

const num = (n: number) => n.toFixed(1);

/** Fold a comma-separated list onto continuation lines of at most ~76 characters. */
function foldList(items: string[]): string {
  const lines: string[] = [];
  let line = '';
  for (const item of items) {
    if (line && line.length + item.length + 1 > 70) {
      lines.push(line + ',');
      line = item;
    } else line = line ? `${line},${item}` : item;
  }
  if (line) lines.push(line);
  return lines.join('\r\n\t');
}

export function spamHeaders(card: ScoreCard, thresholds: Thresholds, action: SpamAction, reason?: string): string {
  const score = card.total;
  const flagged = score >= thresholds.flag;
  const entries = [...card.entries].sort((a, b) => b.score - a.score || a.name.localeCompare(b.name));
  const tests = entries.map((e) => `${e.name}=${num(e.score)}`);
  let out = '';
  if (flagged || action === 'junk') out += 'X-Spam-Flag: YES\r\n';
  out += `X-Spam-Score: ${num(score)}\r\n`;
  out += `X-Spam-Status: ${flagged ? 'Yes' : 'No'}, score=${num(score)} required=${num(thresholds.flag)} action=${action}${reason ? ` reason=${reason}` : ''}\r\n`;
  out += `\ttests=${tests.length ? foldList(tests) : 'none'}\r\n`;
  out += `X-Spam-Report: score ${num(score)}; flag at ${num(thresholds.flag)}, Junk at ${num(thresholds.junk)}, refused at ${num(thresholds.reject)}\r\n`;
  for (const e of entries) {
    const text = `${e.description}${e.detail ? ` [${e.detail}]` : ''}`.slice(0, 300);
    out += `${foldWords(`\t* ${num(e.score).padStart(5)} ${e.name}`, text)}\r\n`;
  }
  return out;
}

const MAX_LINE = 78;

/**
 * `head` then the words of `text`, folded at spaces onto indented continuation lines so no line
 * passes 78 characters (RFC 5322 §2.1.1); unfolding gives back `head text`. A word longer than a
 * line keeps a line of its own.
 */
function foldWords(head: string, text: string): string {
  let out = head;
  let line = head.length;
  for (const word of text.split(' ')) {
    if (word && line + 1 + word.length > MAX_LINE && line > REPORT_INDENT.length) {
      out += `\r\n${REPORT_INDENT}${word}`;
      line = REPORT_INDENT.length + word.length;
    } else {
      out += ` ${word}`;
      line += 1 + word.length;
    }
  }
  return out;
}

const REPORT_INDENT = '\t        ';

/** Header fields to remove from an arriving message before we add ours. */
export function forgedFieldFilter(authservId: string): (name: string, value: string) => boolean {
  const id = authservId.toLowerCase();
  return (name, value) => {
    const lower = name.toLowerCase();
    if (lower.startsWith('x-spam-')) return true;
    if (lower === 'authentication-results') {
      const first = value.split(';')[0]!.trim().split(/\s+/)[0]!.toLowerCase();
      return first === id;
    }
    return false;
  };
}
