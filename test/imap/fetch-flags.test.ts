// FETCH of UID, FLAGS and MODSEQ comes from the mailbox snapshot; everything else from index
// rows. Over a real connection the two must agree item for item: system flags, keywords,
// \Recent, attribute order, CHANGEDSINCE and MODSEQ, changes made by another session, and a
// message expunged by another session while this one still shows it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineClient } from '../support/line-client.js';
import { startTestServer } from '../support/test-server.js';

async function login(port: number): Promise<LineClient> {
  const c = await LineClient.connect(port);
  await c.readLine();
  assert.match((await c.command('LOGIN alice@example.test pw-alice')).tagged, /^OK/);
  return c;
}

/** uid → FLAGS text, from FETCH responses. */
function flagsByUid(lines: string[]): Map<number, string> {
  const out = new Map<number, string>();
  for (const l of lines) {
    const uid = /UID (\d+)/.exec(l);
    const flags = /FLAGS (\([^)]*\))/.exec(l);
    if (uid && flags) out.set(Number(uid[1]), flags[1]!);
  }
  return out;
}

test('FETCH FLAGS from the snapshot agrees with the row path: keywords, \\Recent, order, CHANGEDSINCE, other sessions', async (t) => {
  const server = await startTestServer(t, { listeners: ['imap'], accounts: { 'alice@example.test': 'pw-alice' } });
  const port = server.ports.imap!;
  const other = await login(port);
  t.after(() => other.close());
  for (let i = 1; i <= 6; i++) {
    const msg = `Subject: m${i}\r\n\r\nbody ${i}\r\n`;
    other.write(`a${i} APPEND INBOX {${msg.length}+}\r\n${msg}\r\n`);
    await other.readUntil(new RegExp(`^a${i} OK`));
  }
  assert.match((await other.command('SELECT INBOX')).tagged, /^OK/);
  await other.command('UID STORE 2 +FLAGS ($Work \\Flagged)');
  await other.command('UID STORE 3 +FLAGS (\\Seen \\Answered)');
  await other.command('UNSELECT');
  other.write(`a9 APPEND INBOX {10+}\r\nSubject: 7\r\n`);
  await other.readUntil(/^a9 OK/);

  const a = await login(port);
  t.after(() => a.close());
  const select = await a.command('SELECT INBOX (CONDSTORE)');
  assert.match(select.tagged, /^OK/);
  const fast = await a.command('UID FETCH 1:* (FLAGS)');
  const rows = await a.command('UID FETCH 1:* (FLAGS RFC822.SIZE)');
  assert.equal(fast.lines.length, 7);
  assert.deepEqual(flagsByUid(fast.lines), flagsByUid(rows.lines));
  assert.match(flagsByUid(fast.lines).get(2)!, /\\Flagged/);
  assert.match(flagsByUid(fast.lines).get(2)!, /\$Work/);
  assert.ok([...flagsByUid(fast.lines).values()].some((f) => f.includes('\\Recent')), 'this session holds \\Recent');
  assert.match(fast.lines[0]!, /^\* 1 FETCH \(UID 1 FLAGS \(/);

  const order = await a.command('FETCH 2 (FLAGS UID)');
  assert.match(order.lines[0]!, /^\* 2 FETCH \(FLAGS \([^)]*\) UID 2\)$/);

  const modseqs = await a.command('UID FETCH 1:* (MODSEQ)');
  const modseqOf = new Map(modseqs.lines.map((l) => [Number(/UID (\d+)/.exec(l)![1]), Number(/MODSEQ \((\d+)\)/.exec(l)![1])]));
  const max = Math.max(...modseqOf.values());
  assert.match((await other.command('SELECT INBOX')).tagged, /^OK/);
  await other.command('UID STORE 5 +FLAGS.SILENT (\\Deleted)');
  const changed = await a.command(`UID FETCH 1:* (FLAGS) (CHANGEDSINCE ${max})`);
  // (The session's own sync may repeat the change as an unsolicited FETCH after the response.)
  const changedRows = [...new Set(changed.lines.filter((l) => /FETCH \(UID/.test(l)))];
  assert.equal(changedRows.length, 1, changed.lines.join('\n'));
  assert.match(changedRows[0]!, /^\* 5 FETCH \(UID 5 FLAGS \(\\Deleted\) MODSEQ \(\d+\)\)$/);

  // Another session expunges message 5; a FETCH by sequence number holds the EXPUNGE back.
  await other.command('EXPUNGE');
  const held = await a.command('FETCH 1:* (FLAGS)');
  const heldRows = await a.command('FETCH 1:* (FLAGS RFC822.SIZE)');
  const seqFlags = (lines: string[]) => lines.filter((l) => /^\* \d+ FETCH/.test(l)).map((l) => /^\* (\d+) FETCH \(FLAGS (\([^)]*\))/.exec(l)!.slice(1).join(' '));
  assert.deepEqual(seqFlags(held.lines), seqFlags(heldRows.lines));
  assert.ok(!seqFlags(held.lines).some((l) => l.startsWith('5 ')), 'no response for the expunged message');
  const noop = await a.command('NOOP');
  assert.ok(noop.lines.includes('* 5 EXPUNGE'), noop.lines.join('\n'));
  const after = await a.command('UID FETCH 1:* (FLAGS)');
  assert.deepEqual([...flagsByUid(after.lines).keys()], [1, 2, 3, 4, 6, 7]);
});
