// The per-user Bayesian classifier: token counts in SQLite (as 48-bit hashes of the tokens),
// trained with messages the user calls spam or ham, and used once the user has trained at least
// minSpam spam and minHam ham messages. A message is remembered by a key (its Message-ID, else
// a digest of its text), so training it again in the same class changes nothing and training it
// in the other class moves its counts over (a user who moves a message out of Junk again).
import { createHash } from 'node:crypto';
import { sql, type Db } from '../directory/database.js';
import { combine, tokenProbability, type TokenCounts } from './bayes-math.js';
import type { MessageText } from './message-text.js';
import { tokenize } from './tokenizer.js';

export type BayesClass = 'spam' | 'ham';

export interface BayesResult {
  probability: number;
  clues: number;
}

export interface TrainOutcome {
  result: 'trained' | 'retrained' | 'unchanged';
  tokens: number;
}

function tokenHash(token: string): number {
  return createHash('sha1').update(token).digest().readUIntBE(0, 6);
}

/** How a message is recognised when it is trained again: its Message-ID, else its content. */
export function messageKey(message: MessageText): string {
  const id = message.fields.find((f) => f.name.toLowerCase() === 'message-id')?.value.trim();
  const basis = id ? `id:${id}` : `text:${message.subject}\n${message.text.slice(0, 65_536)}`;
  return createHash('sha256').update(basis).digest('base64url').slice(0, 32);
}

export class BayesClassifier {
  constructor(
    private readonly db: Db,
    private readonly minimum: { spam: number; ham: number },
    private readonly now: () => number = Date.now,
  ) {}

  totals(accountId: number): { spam: number; ham: number } {
    const row = sql(this.db, 'SELECT spam, ham FROM bayes_totals WHERE account_id = ?').get(accountId) as { spam: number; ham: number } | undefined;
    return row ?? { spam: 0, ham: 0 };
  }

  /** Enough training to classify. */
  isReady(accountId: number): boolean {
    const t = this.totals(accountId);
    return t.spam >= this.minimum.spam && t.ham >= this.minimum.ham;
  }

  /** The spam probability of a message for this user, or null before enough training. */
  classify(accountId: number, message: MessageText): BayesResult | null {
    const totals = this.totals(accountId);
    if (totals.spam < this.minimum.spam || totals.ham < this.minimum.ham) return null;
    const hashes = tokenize(message).map(tokenHash);
    if (hashes.length === 0) return { probability: 0.5, clues: 0 };
    const rows = sql(
      this.db,
      'SELECT spam, ham FROM bayes_tokens WHERE account_id = ? AND token IN (SELECT value FROM json_each(?))',
    ).all(accountId, JSON.stringify(hashes)) as TokenCounts[];
    return combine(rows.map((c) => tokenProbability(c, totals.spam, totals.ham)));
  }

  /** Train one message as spam or ham for this user. */
  train(accountId: number, message: MessageText, cls: BayesClass): TrainOutcome {
    const key = messageKey(message);
    const hashes = tokenize(message).map(tokenHash);
    return this.db.transaction((): TrainOutcome => {
      const previous = sql(this.db, 'SELECT class FROM bayes_trained WHERE account_id = ? AND message_key = ?').get(accountId, key) as
        | { class: BayesClass }
        | undefined;
      if (previous?.class === cls) return { result: 'unchanged', tokens: hashes.length };
      const t = this.now();
      sql(this.db, 'INSERT OR IGNORE INTO bayes_totals (account_id, spam, ham) VALUES (?, 0, 0)').run(accountId);
      if (previous) this.count(accountId, hashes, previous.class, -1, t);
      this.count(accountId, hashes, cls, 1, t);
      sql(
        this.db,
        `INSERT INTO bayes_trained (account_id, message_key, class, trained_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (account_id, message_key) DO UPDATE SET class = excluded.class, trained_at = excluded.trained_at`,
      ).run(accountId, key, cls, t);
      return { result: previous ? 'retrained' : 'trained', tokens: hashes.length };
    })();
  }

  private count(accountId: number, hashes: number[], cls: BayesClass, delta: 1 | -1, t: number): void {
    const column = cls === 'spam' ? 'spam' : 'ham';
    const upsert = sql(
      this.db,
      `INSERT INTO bayes_tokens (account_id, token, ${column}, seen_at) VALUES (?, ?, max(0, ?), ?)
       ON CONFLICT (account_id, token) DO UPDATE SET ${column} = max(0, ${column} + ?), seen_at = excluded.seen_at`,
    );
    const dropEmpty = sql(this.db, 'DELETE FROM bayes_tokens WHERE account_id = ? AND token = ? AND spam = 0 AND ham = 0');
    for (const h of hashes) {
      upsert.run(accountId, h, delta, t, delta);
      if (delta < 0) dropEmpty.run(accountId, h);
    }
    sql(this.db, `UPDATE bayes_totals SET ${column} = max(0, ${column} + ?) WHERE account_id = ?`).run(delta, accountId);
  }
}
