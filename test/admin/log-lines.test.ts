// Log lines for the UI and the log view's filter (the server's copy and the browser's copy must
// agree): levels, components, ids, `key:value` words; random filters and records never throw.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import { lineMatcher as serverMatcher, toLogLine } from '../../src-mailserver/admin/log-lines.js';
import type { LogFilter, LogLevelName, LogLine } from '../../src-mailserver/admin/contract.js';
import { lineMatcher as browserMatcher } from '../../src-renderer/stores/log-filter.js';

const records = [
  { level: 30, time: 1, component: 'smtp', proto: 'smtp', msg: 'message accepted', cid: 'c1', queueId: 'q1', remote: '192.0.2.7', from: 'bob@remote.test', to: ['alice@example.test'], result: 'delivered' },
  { level: 40, time: 2, component: 'auth', msg: 'login failed', ip: '198.51.100.9', user: 'alice@example.test' },
  { level: 50, time: 3, msg: 'message not stored', proto: 'smtp', cid: 'c2', err: { type: 'Error', message: 'disk full', stack: 'Error: disk full\n at x', code: 'ENOSPC' } },
  { level: 20, time: 4, component: 'store', msg: 'reconciled', mailboxes: 3 },
].map((record, i) => toLogLine({ seq: i + 1, record }));

test('records become lines with a level name, a component and the other fields', () => {
  assert.deepEqual(records[0], {
    seq: 1,
    time: 1,
    level: 'info',
    component: 'smtp',
    msg: 'message accepted',
    fields: { proto: 'smtp', cid: 'c1', queueId: 'q1', remote: '192.0.2.7', from: 'bob@remote.test', to: ['alice@example.test'], result: 'delivered' },
  });
  assert.equal(records[2]!.component, 'smtp', 'proto stands in for a missing component');
  assert.deepEqual(records[2]!.fields.err, { type: 'Error', message: 'disk full', code: 'ENOSPC' }, 'no stack traces in the UI');
});

const cases: [LogFilter, number[]][] = [
  [{}, [1, 2, 3, 4]],
  [{ level: 'warn' }, [2, 3]],
  [{ level: 'error' }, [3]],
  [{ component: 'SMTP' }, [1, 3]],
  [{ id: 'q1' }, [1]],
  [{ id: 'c2' }, [3]],
  [{ text: 'ip:198.51' }, [2]],
  [{ text: 'ip:192.0.2.7' }, [1]],
  [{ text: 'domain:example.test' }, [1, 2]],
  [{ text: 'domain:remote.test' }, [1]],
  [{ text: 'id:c1' }, [1]],
  [{ text: 'result:delivered' }, [1]],
  [{ text: 'disk full' }, [3]],
  [{ text: 'ALICE accepted' }, [1]],
  [{ text: 'level:warn' }, [2]],
  [{ level: 'info', text: 'example.test' }, [1, 2]],
];

test('the filter: level, component, id and words, the same in the server and the browser', () => {
  for (const [filter, expected] of cases) {
    for (const matcher of [serverMatcher, browserMatcher]) {
      assert.deepEqual(
        records.filter(matcher(filter)).map((l) => l.seq),
        expected,
        JSON.stringify(filter),
      );
    }
  }
});

test('random filters over random records never throw, and both copies agree', () => {
  const levels: LogLevelName[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];
  const junk = () => randomBytes(randomInt(0, 12)).toString(randomInt(2) ? 'latin1' : 'base64');
  for (let i = 0; i < 500; i++) {
    const record: Record<string, unknown> = { level: randomInt(0, 70), time: randomInt(1e12), msg: junk() };
    for (let f = randomInt(0, 5); f > 0; f--) record[junk() || 'k'] = [junk(), randomInt(100), null, { a: junk() }, [junk()]][randomInt(5)];
    const line: LogLine = toLogLine({ seq: i + 1, record: record as never });
    const filter: LogFilter = { text: `${junk()}:${junk()} ${junk()}` };
    if (randomInt(2)) filter.level = levels[randomInt(levels.length)];
    if (randomInt(3) === 0) filter.id = junk();
    assert.equal(serverMatcher(filter)(line), browserMatcher(filter)(line));
  }
});
