// Training from copy events: which moves teach spam or ham, and a trainer that reads each copied
// message and trains the user's classifier, once per message, in the latest class.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BayesClassifier } from '../../src-mailserver/spam/bayes.js';
import { BayesTrainer, trainingClass, type CopyEvent } from '../../src-mailserver/spam/bayes-training.js';
import { openMailDatabase } from '../../src-mailserver/schema.js';
import { Directory } from '../../src-mailserver/directory/directory.js';
import { silentLogger } from '../../src-mailserver/log/logger.js';
import { makeTempDir } from '../support/temp-dir.js';

test('into Junk teaches spam; out of Junk (not to Trash) teaches ham; other moves teach nothing', () => {
  assert.equal(trainingClass(null, '\\Junk'), 'spam');
  assert.equal(trainingClass('\\Archive', '\\Junk'), 'spam');
  assert.equal(trainingClass('\\Junk', null), 'ham');
  assert.equal(trainingClass('\\Junk', '\\Archive'), 'ham');
  assert.equal(trainingClass('\\Junk', '\\Trash'), null);
  assert.equal(trainingClass('\\Junk', '\\Junk'), null);
  assert.equal(trainingClass(null, '\\Archive'), null);
  assert.equal(trainingClass(null, null), null);
});

test('the trainer reads each copied message and trains it; moving it back retrains it', async (t) => {
  const dir = await makeTempDir();
  const db = openMailDatabase(dir.path);
  t.after(async () => {
    db.close();
    await dir.remove();
  });
  const directory = new Directory(db);
  directory.domains.add('example.test');
  const alice = directory.accounts.add({ address: 'alice@example.test', passwordHash: 'x' });
  const bayes = new BayesClassifier(db, { spam: 1, ham: 1 });
  const listeners: ((c: { type: string }) => void)[] = [];
  const messages = new Map<number, string>([
    [1, 'Subject: casino bonus\r\nMessage-ID: <a@x>\r\n\r\njackpot winner casino\r\n'],
    [2, 'Subject: lunch\r\nMessage-ID: <b@x>\r\n\r\nmeeting agenda garden\r\n'],
  ]);
  const reads: number[] = [];
  const trainer = new BayesTrainer({
    subscribe: (l) => (listeners.push(l), () => listeners.splice(listeners.indexOf(l), 1)),
    readMessageHead: async (_a, _m, uid) => (reads.push(uid), messages.has(uid) ? Buffer.from(messages.get(uid)!) : null),
    bayes,
    log: silentLogger(),
  });
  trainer.start();
  const publish = (c: CopyEvent | { type: string }) => listeners.forEach((l) => l(c));
  const copy = (uids: number[], from: string | null, to: string | null): CopyEvent => ({ type: 'copy', accountId: alice.id, sourceSpecialUse: from, mailboxId: 9, targetSpecialUse: to, uids });
  publish({ type: 'append' });
  publish(copy([1, 3], null, '\\Junk'));
  publish(copy([2], '\\Junk', null));
  await trainer.idle();
  assert.deepEqual(reads, [1, 3, 2]);
  assert.deepEqual(bayes.totals(alice.id), { spam: 1, ham: 1 });
  publish(copy([1], '\\Junk', '\\Archive'));
  await trainer.stop();
  assert.deepEqual(bayes.totals(alice.id), { spam: 0, ham: 2 }, 'message 1 moved out of Junk: now ham');
  publish(copy([2], null, '\\Junk'));
  assert.deepEqual(bayes.totals(alice.id), { spam: 0, ham: 2 }, 'stopped: no more training');
});
