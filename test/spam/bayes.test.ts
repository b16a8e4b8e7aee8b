// The Bayesian classifier: Robinson's token probabilities and Fisher's combining, then training
// per user in SQLite (not ready before the minimum, spam and ham learned apart, a message trained
// twice counts once, moved to the other class it moves its counts), and users kept separate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chi2Q, combine, tokenProbability } from '../../src-mailserver/spam/bayes-math.js';
import { BayesClassifier } from '../../src-mailserver/spam/bayes.js';
import { readMessageText } from '../../src-mailserver/spam/message-text.js';
import { openMailDatabase } from '../../src-mailserver/schema.js';
import { Directory } from '../../src-mailserver/directory/directory.js';
import { makeTempDir } from '../support/temp-dir.js';

test('token probabilities shrink towards 0.5 when rare; the combination has a real middle', () => {
  assert.equal(tokenProbability({ spam: 0, ham: 0 }, 10, 10), 0.5);
  const once = tokenProbability({ spam: 1, ham: 0 }, 10, 10);
  const often = tokenProbability({ spam: 20, ham: 0 }, 10, 10);
  assert.ok(once > 0.5 && once < often && often < 1);
  assert.ok(tokenProbability({ spam: 0, ham: 20 }, 10, 10) < 0.05);
  assert.ok(Math.abs(chi2Q(0, 4) - 1) < 1e-12);
  assert.ok(chi2Q(100, 4) < 1e-15);
  assert.deepEqual(combine([0.5, 0.55, 0.45]), { probability: 0.5, clues: 0 });
  assert.ok(combine(Array(20).fill(0.99)).probability > 0.99);
  assert.ok(combine(Array(20).fill(0.01)).probability < 0.01);
  const mixed = combine([...Array(10).fill(0.99), ...Array(10).fill(0.01)]).probability;
  assert.ok(Math.abs(mixed - 0.5) < 0.05, 'strong evidence both ways is unsure, not certain');
});

const SPAM_WORDS = ['viagra', 'casino', 'winner', 'lottery', 'bitcoin', 'investment', 'guaranteed', 'cheap', 'pills', 'unclaimed'];
const HAM_WORDS = ['meeting', 'agenda', 'tomorrow', 'report', 'lunch', 'project', 'review', 'kids', 'weekend', 'garden'];
let n = 0;
function mail(words: string[], extra = ''): ReturnType<typeof readMessageText> {
  n++;
  const pick = () => words[Math.floor(Math.random() * words.length)]!;
  const body = Array.from({ length: 30 }, pick).join(' ');
  return readMessageText(Buffer.from(`Subject: ${pick()} ${pick()}\r\nMessage-ID: <m${n}@test>\r\nFrom: x@sender${n % 3}.test\r\n\r\n${body} ${extra}\r\n`));
}

async function classifier(t: import('node:test').TestContext) {
  const dir = await makeTempDir();
  const db = openMailDatabase(dir.path);
  t.after(async () => {
    db.close();
    await dir.remove();
  });
  const directory = new Directory(db);
  directory.domains.add('example.test');
  const alice = directory.accounts.add({ address: 'alice@example.test', passwordHash: 'x' });
  const bob = directory.accounts.add({ address: 'bob@example.test', passwordHash: 'x' });
  return { bayes: new BayesClassifier(db, { spam: 5, ham: 5 }), alice, bob, db };
}

test('training per user: not ready before the minimum, then similar messages classify as their class', async (t) => {
  const { bayes, alice, bob } = await classifier(t);
  for (let i = 0; i < 4; i++) {
    bayes.train(alice.id, mail(SPAM_WORDS), 'spam');
    bayes.train(alice.id, mail(HAM_WORDS), 'ham');
  }
  assert.equal(bayes.classify(alice.id, mail(SPAM_WORDS)), null, 'not ready with 4 + 4');
  bayes.train(alice.id, mail(SPAM_WORDS), 'spam');
  bayes.train(alice.id, mail(HAM_WORDS), 'ham');
  assert.deepEqual(bayes.totals(alice.id), { spam: 5, ham: 5 });
  const spam = bayes.classify(alice.id, mail(SPAM_WORDS))!;
  const ham = bayes.classify(alice.id, mail(HAM_WORDS))!;
  assert.ok(spam.probability > 0.95, `spam ${spam.probability}`);
  assert.ok(ham.probability < 0.05, `ham ${ham.probability}`);
  assert.ok(spam.clues > 5);
  assert.equal(bayes.classify(bob.id, mail(SPAM_WORDS)), null, "bob's classifier knows nothing of alice's");
});

test('a message trained twice counts once; trained in the other class it moves its counts', async (t) => {
  const { bayes, alice, db } = await classifier(t);
  const m = mail(SPAM_WORDS);
  assert.equal(bayes.train(alice.id, m, 'spam').result, 'trained');
  assert.equal(bayes.train(alice.id, m, 'spam').result, 'unchanged');
  assert.deepEqual(bayes.totals(alice.id), { spam: 1, ham: 0 });
  const before = (db.prepare('SELECT sum(spam) AS s, sum(ham) AS h FROM bayes_tokens WHERE account_id = ?').get(alice.id) as { s: number; h: number });
  assert.ok(before.s > 0);
  assert.equal(bayes.train(alice.id, m, 'ham').result, 'retrained');
  assert.deepEqual(bayes.totals(alice.id), { spam: 0, ham: 1 });
  const after = (db.prepare('SELECT sum(spam) AS s, sum(ham) AS h FROM bayes_tokens WHERE account_id = ?').get(alice.id) as { s: number; h: number });
  assert.equal(after.s, 0);
  assert.equal(after.h, before.s);
});
