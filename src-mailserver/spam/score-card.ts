// The score of one message with its breakdown: which rules hit, each one's score (the default
// from rules.ts unless the configuration changes it) and a short detail (the zone, the HELO
// name ...). Details may come from the client, so they are reduced to printable ASCII here.
import { RULES, type RuleName } from './rules.js';

export interface ScoreEntry {
  name: string;
  score: number;
  description: string;
  detail?: string;
}

/** Printable ASCII, no quotes or backslashes, bounded: safe in a header and a log line. */
export function safeDetail(text: string, max = 80): string {
  return text.replace(/[^\x20-\x7e]/g, '?').replace(/["\\]/g, "'").slice(0, max);
}

export class ScoreCard {
  private readonly list: ScoreEntry[] = [];

  constructor(private readonly overrides: Readonly<Record<string, number>> = {}) {}

  hit(name: RuleName, detail?: string): void {
    const rule = RULES[name];
    this.add(name, rule.score, rule.description, detail);
  }

  /** A rule not in the fixed table (blocklist zones). */
  add(name: string, defaultScore: number, description: string, detail?: string): void {
    if (this.list.some((e) => e.name === name)) return;
    const score = this.overrides[name] ?? defaultScore;
    this.list.push({ name, score, description, ...(detail ? { detail: safeDetail(detail) } : {}) });
  }

  get entries(): readonly ScoreEntry[] {
    return this.list;
  }

  has(name: string): boolean {
    return this.list.some((e) => e.name === name);
  }

  /** Sum of the scores, to one decimal. */
  get total(): number {
    return Math.round(this.list.reduce((sum, e) => sum + e.score, 0) * 10) / 10;
  }

  /** `{ RULE: score, ... }` for the log. */
  breakdown(): Record<string, number> {
    return Object.fromEntries(this.list.map((e) => [e.name, e.score]));
  }

  clone(): ScoreCard {
    const copy = new ScoreCard(this.overrides);
    copy.list.push(...this.list.map((e) => ({ ...e })));
    return copy;
  }
}
