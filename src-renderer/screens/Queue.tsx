// The outbound queue: a filterable table (sender, recipients, per-recipient counts, attempts,
// next retry, last error, size, age), a per-destination view by age as Postfix users expect, and
// one message in detail with its recipients' remote replies in plain words, the history of
// attempts, the header, links to its log lines, and the operations with confirmation.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { QueueItem, QueueItemDetail, QueueItemState, RemoteReply } from '../../src-mailserver/admin/contract.js';
import { routeHref } from '../app/router.js';
import { useQueue, useRouter, useStores, useToast } from '../app/stores.js';
import { Badge, Card, Empty, Notice, PageHeader, type Tone } from '../components/Card.js';
import { useConfirm } from '../components/Confirm.js';
import { formatBytes, formatDateTime, formatDuration, formatRelative, plural } from '../format.js';
import type { QueueAction } from '../stores/queue-store.js';

const STATE_TONE: Record<QueueItemState, Tone> = { queued: 'info', sending: 'ok', deferred: 'warning', held: 'muted' };
const AGE_BUCKETS = [5, 10, 20, 40, 80, 160, 320, 640, 1280];

export function Queue() {
  const { queue } = useStores();
  const items = useQueue((s) => s.items);
  const filter = useQueue((s) => s.filter);
  const available = useQueue((s) => s.available);
  const loaded = useQueue((s) => s.loaded);
  const error = useQueue((s) => s.error);
  const selectedId = useQueue((s) => s.selectedId);
  const detail = useQueue((s) => s.detail);
  const route = useRouter((s) => s.route);
  const [view, setView] = useState<'messages' | 'domains'>('messages');

  useEffect(() => {
    void queue.getState().load();
  }, [queue]);
  useEffect(() => {
    if (route?.arg) void queue.getState().select(route.arg);
  }, [route?.arg, queue]);

  if (loaded && !available) {
    return (
      <div className="screen">
        <PageHeader title="Queue" />
        <Notice>This version of the server has no outbound queue yet: mail for other domains is not accepted.</Notice>
      </div>
    );
  }

  return (
    <div className="screen queue">
      <PageHeader
        title="Queue"
        subtitle={items.length === 0 ? 'Nothing waiting to be sent' : `${plural(items.length, 'message')} waiting to be sent`}
        actions={
          <div className="segmented" role="group" aria-label="View">
            <button type="button" className={`button ${view === 'messages' ? 'primary' : ''}`} aria-pressed={view === 'messages'} onClick={() => setView('messages')}>
              Messages
            </button>
            <button type="button" className={`button ${view === 'domains' ? 'primary' : ''}`} aria-pressed={view === 'domains'} onClick={() => setView('domains')}>
              By destination
            </button>
          </div>
        }
      />
      <div className="toolbar" role="search">
        <label className="grow">
          <span className="visually-hidden">Search the queue</span>
          <input
            type="search"
            placeholder="Sender, recipient, queue id, error…"
            aria-label="Search the queue"
            value={filter.text ?? ''}
            onChange={(e) => void queue.getState().setFilter({ text: e.target.value })}
          />
        </label>
        <label>
          State{' '}
          <select value={filter.state ?? ''} onChange={(e) => void queue.getState().setFilter({ state: (e.target.value || undefined) as QueueItemState | undefined })}>
            <option value="">all</option>
            <option value="queued">queued</option>
            <option value="sending">sending</option>
            <option value="deferred">deferred</option>
            <option value="held">held</option>
          </select>
        </label>
      </div>
      {error && <p className="error-note">{error}</p>}
      <div className={`split${detail ? ' with-detail' : ''}`}>
        {view === 'messages' ? <QueueTable items={items} selectedId={selectedId} /> : <DomainAges items={items} />}
        {detail && <QueueDetail item={detail} />}
      </div>
    </div>
  );
}

function recipientsText(item: QueueItem): string {
  const [first, ...rest] = item.recipients;
  if (!first) return '';
  return rest.length === 0 ? first.address : `${first.address} and ${rest.length} more`;
}

/** Per-recipient states, only those that occur: "1 pending", "2 done · 1 failed". */
function countsText(item: QueueItem): string {
  const parts = [
    [item.counts.delivered, 'done'],
    [item.counts.pending, 'pending'],
    [item.counts.failed, 'failed'],
  ] as const;
  return parts
    .filter(([n]) => n > 0)
    .map(([n, what]) => `${n} ${what}`)
    .join(' · ');
}

function QueueTable({ items, selectedId }: { items: QueueItem[]; selectedId: string | null }) {
  const { queue } = useStores();
  if (items.length === 0) return <Empty>The queue is empty: everything has been sent.</Empty>;
  // Five columns so the list fits 1280 px: size and age under the id, recipients under the
  // sender, tries with the per-recipient counts; the last error takes the rest.
  return (
    <div className="table-wrap">
      <table className="table queue-table">
        <thead>
          <tr>
            <th scope="col">Queue id</th>
            <th scope="col">From / to</th>
            <th scope="col">Status</th>
            <th scope="col" className="nowrap">
              Next try
            </th>
            <th scope="col">Last error</th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr key={item.id} className={item.id === selectedId ? 'selected' : undefined}>
              <td>
                <button type="button" className="link-button mono" onClick={() => void queue.getState().select(item.id)} aria-label={`Details of ${item.id}`}>
                  {item.id}
                </button>
                <div className="muted small nowrap">
                  {formatBytes(item.size)} · {formatDuration((Date.now() - item.arrivedAt) / 1000)} old
                </div>
              </td>
              <td>
                <div>{item.sender || '<>'}</div>
                <div className="queue-to">{recipientsText(item)}</div>
              </td>
              <td>
                <Badge tone={STATE_TONE[item.state]}>{item.state}</Badge>
                <div className="muted small nowrap">
                  {countsText(item)} · {plural(item.attempts, 'try', 'tries')}
                </div>
              </td>
              <td className="nowrap">{item.state === 'held' ? 'held' : item.nextAttemptAt ? formatRelative(item.nextAttemptAt) : '—'}</td>
              <td className="last-error" title={item.lastError ?? ''}>
                <span className="clamp-2">{item.lastError ?? '—'}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Messages per destination domain and age, like Postfix's qshape. */
function DomainAges({ items }: { items: QueueItem[] }) {
  const rows = useMemo(() => {
    const byDomain = new Map<string, number[]>();
    for (const item of items) {
      const ageMin = (Date.now() - item.arrivedAt) / 60_000;
      const bucket = AGE_BUCKETS.findIndex((b) => ageMin < b);
      for (const r of item.recipients) {
        if (r.state === 'delivered') continue;
        const domain = r.address.slice(r.address.lastIndexOf('@') + 1);
        const counts = byDomain.get(domain) ?? new Array<number>(AGE_BUCKETS.length + 1).fill(0);
        counts[bucket === -1 ? AGE_BUCKETS.length : bucket]!++;
        byDomain.set(domain, counts);
      }
    }
    return [...byDomain].sort((a, b) => sum(b[1]) - sum(a[1]));
  }, [items]);
  if (rows.length === 0) return <Empty>No recipients waiting.</Empty>;
  return (
    <div className="table-wrap">
      <table className="table">
        <caption className="muted">Recipients waiting, by destination domain and minutes in the queue</caption>
        <thead>
          <tr>
            <th scope="col">Domain</th>
            <th scope="col" className="num">
              Total
            </th>
            {AGE_BUCKETS.map((b) => (
              <th key={b} scope="col" className="num">
                &lt;{b}
              </th>
            ))}
            <th scope="col" className="num">
              more
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([domain, counts]) => (
            <tr key={domain}>
              <th scope="row">{domain}</th>
              <td className="num">{sum(counts)}</td>
              {counts.map((n, i) => (
                <td key={i} className="num">
                  {n || ''}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function sum(a: number[]): number {
  return a.reduce((x, y) => x + y, 0);
}

function Reply({ reply }: { reply: RemoteReply | null }) {
  if (!reply) return <span className="muted">no reply yet</span>;
  return (
    <span className="reply">
      <strong className={reply.code >= 500 ? 'error-text' : 'warning-text'}>
        {reply.code}
        {reply.enhanced ? ` ${reply.enhanced}` : ''}
      </strong>{' '}
      {reply.text}
      {reply.explanation && <span className="explanation">{reply.explanation}</span>}
    </span>
  );
}

const ACTIONS: { action: QueueAction; label: string; help: string; danger?: boolean; when(i: QueueItemDetail): boolean }[] = [
  { action: 'retry', label: 'Retry now', help: 'Try every pending recipient again now.', when: (i) => i.state !== 'sending' },
  { action: 'hold', label: 'Hold', help: 'Keep the message but stop trying until released.', when: (i) => i.state !== 'held' },
  { action: 'release', label: 'Release', help: 'Start trying again on the normal schedule.', when: (i) => i.state === 'held' },
  { action: 'bounce', label: 'Bounce', help: 'Give up now; the sender gets a bounce saying it was not delivered.', danger: true, when: () => true },
  { action: 'delete', label: 'Delete', help: 'Remove the message without telling the sender.', danger: true, when: () => true },
];

function QueueDetail({ item }: { item: QueueItemDetail }) {
  const { queue } = useStores();
  const confirm = useConfirm();
  const toast = useToast();
  const panel = useRef<HTMLElement>(null);
  // Keyboard: the panel takes the focus when it opens; Escape closes it.
  useEffect(() => {
    panel.current?.focus();
  }, [item.id]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !document.querySelector('dialog[open]')) void queue.getState().select(null);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [queue]);
  const run = async (a: (typeof ACTIONS)[number]) => {
    if (a.danger) {
      const ok = await confirm({
        title: `${a.label} ${item.id}?`,
        message: <p>{a.help}</p>,
        confirmLabel: a.label,
        danger: true,
      });
      if (!ok) return;
    }
    try {
      await queue.getState().act(item.id, a.action);
      toast.info(`${a.label}: ${item.id}`);
    } catch (err) {
      toast.error(err);
    }
  };
  return (
    <aside className="detail" aria-label={`Queued message ${item.id}`} ref={panel} tabIndex={-1}>
      <header className="detail-header">
        <h2 className="mono">{item.id}</h2>
        <button type="button" className="icon-button" aria-label="Close the details" onClick={() => void queue.getState().select(null)}>
          ×
        </button>
      </header>
      <p>
        From <strong>{item.sender || '<>'}</strong>
        {item.subject && (
          <>
            {' '}
            · “{item.subject}”
          </>
        )}
        <br />
        <span className="muted">
          arrived {formatDateTime(item.arrivedAt)} · {formatBytes(item.size)} · <a href={routeHref('logs', item.id)}>log lines</a>
        </span>
      </p>
      <div className="mini-cards">
        <div>
          <span className="label">Next try</span>
          {item.state === 'held' ? 'held' : item.nextAttemptAt ? formatRelative(item.nextAttemptAt) : '—'}
        </div>
        <div>
          <span className="label">Delay notice</span>
          {item.nextDelayNoticeAt ? formatRelative(item.nextDelayNoticeAt) : '—'}
        </div>
        <div>
          <span className="label">Gives up</span>
          {item.expiresAt ? formatRelative(item.expiresAt) : '—'}
        </div>
      </div>
      <div className="actions">
        {ACTIONS.filter((a) => a.when(item)).map((a) => (
          <button key={a.action} type="button" className={`button ${a.danger ? 'danger' : ''}`} title={a.help} onClick={() => void run(a)}>
            {a.label}
          </button>
        ))}
      </div>
      <Card title="Recipients">
        <ul className="recipients">
          {item.recipients.map((r) => (
            <li key={r.address}>
              <div className="recipient-head">
                <strong>{r.address}</strong> <Badge tone={r.state === 'delivered' ? 'ok' : r.state === 'failed' ? 'error' : 'warning'}>{r.state}</Badge>{' '}
                <span className="muted small">
                  {r.attempts} {r.attempts === 1 ? 'try' : 'tries'}
                  {r.remoteHost ? ` · ${r.remoteHost}` : ''}
                  {r.nextAttemptAt && r.state !== 'delivered' ? ` · next ${formatRelative(r.nextAttemptAt)}` : ''}
                </span>
              </div>
              <Reply reply={r.lastReply} />
            </li>
          ))}
        </ul>
      </Card>
      {item.history.length > 0 && (
        <Card title="Attempts">
          <ol className="history">
            {item.history.map((h, i) => (
              <li key={i}>
                <time>{formatDateTime(h.at)}</time> {h.recipient}
                {h.host ? ` via ${h.host}` : ''}: <Badge tone={h.result === 'delivered' ? 'ok' : h.result === 'failed' ? 'error' : 'warning'}>{h.result}</Badge>{' '}
                <Reply reply={h.reply} />
              </li>
            ))}
          </ol>
        </Card>
      )}
      <details>
        <summary>Message header</summary>
        <pre className="headers">{item.headers}</pre>
      </details>
    </aside>
  );
}
