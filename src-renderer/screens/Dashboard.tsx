// The dashboard: one combined state with what needs attention first, today's counters, the
// hourly chart with a period selector, each service up or down, the queue, certificates and the
// latest warnings and errors (each linking to the log view filtered on it).
import type { ListenerState } from '../../src-mailserver/admin/contract.js';
import { OVERALL } from '../app/Nav.js';
import { routeHref } from '../app/router.js';
import { useStatus, useStores, useToast } from '../app/stores.js';
import { Badge, Card, Dot, Empty, PageHeader, type Tone } from '../components/Card.js';
import { HourlyChart } from '../components/HourlyChart.js';
import { formatDate, formatDuration, formatTime, plural } from '../format.js';

const LISTENER_TONE: Record<ListenerState, { tone: Tone; text: string }> = {
  running: { tone: 'ok', text: 'Running' },
  off: { tone: 'muted', text: 'Off' },
  unavailable: { tone: 'muted', text: 'Not in this version' },
  paused: { tone: 'warning', text: 'Paused' },
  error: { tone: 'error', text: 'Not running' },
};

export function Dashboard() {
  const status = useStatus((s) => s.status);
  const hourly = useStatus((s) => s.hourly);
  const hours = useStatus((s) => s.hours);
  const stores = useStores();
  const toast = useToast();
  if (!status) return <p className="empty">Loading…</p>;
  const overall = OVERALL[status.overall];
  const c = status.counters;

  return (
    <div className="screen dashboard">
      <PageHeader
        title="Dashboard"
        subtitle={
          <>
            <Dot tone={overall.tone} label={overall.text} /> {overall.text} · {status.hostname} · up since {formatTime(status.startedAt)}
          </>
        }
        actions={
          <button
            type="button"
            className="button"
            onClick={() => stores.status.getState().pauseIncoming(!status.incomingPaused).catch(toast.error)}
            title="While paused, port 25 is closed; other servers keep the mail and retry later."
          >
            {status.incomingPaused ? 'Resume incoming mail' : 'Pause incoming mail'}
          </button>
        }
      />

      {status.attention.length > 0 && (
        <Card title="Needs attention" id="attention" className="attention">
          <ul className="checklist">
            {status.attention.map((a) => (
              <li key={a.id}>
                <Dot tone={a.severity} label={a.severity} />
                <div>
                  <strong>{a.link ? <a href={`#/${a.link}`}>{a.title}</a> : a.title}</strong>
                  <p>{a.detail}</p>
                </div>
              </li>
            ))}
          </ul>
        </Card>
      )}

      <div className="stats" role="list" aria-label="Today">
        <Stat label="Received today" value={c.received} />
        <Stat label="Sent today" value={c.sent} />
        <Stat label="In the queue" value={status.queue ? status.queue.total : '—'} href={routeHref('queue')} />
        <Stat label="Rejected today" value={c.rejected} />
        <Stat label="Bounced today" value={c.bounced} />
        <Stat label="Failed logins today" value={c.authFailures} />
        <Stat label="Accounts" value={status.accounts} href={routeHref('accounts')} />
        <Stat label="Domains" value={status.domains} href={routeHref('domains')} />
      </div>

      <Card
        title="Messages per hour"
        id="chart"
        actions={
          <label className="inline">
            Period{' '}
            <select value={hours} onChange={(e) => void stores.status.getState().setHours(Number(e.target.value))}>
              <option value={12}>12 hours</option>
              <option value={24}>24 hours</option>
              <option value={48}>48 hours</option>
            </select>
          </label>
        }
      >
        <HourlyChart points={hourly} />
      </Card>

      <div className="grid-2">
        <Card title="Services" id="services">
          <table className="table compact">
            <tbody>
              {status.listeners
                .filter((l) => l.state !== 'off' || l.name === 'smtp')
                .map((l) => {
                  const s = LISTENER_TONE[l.state];
                  return (
                    <tr key={l.name}>
                      <td>
                        <Dot tone={s.tone} label={s.text} /> {l.label}
                      </td>
                      <td className="num">{l.port ?? l.configuredPort ?? ''}</td>
                      <td>{l.state === 'error' ? <span className="error-text">{l.error?.message}</span> : s.text}</td>
                    </tr>
                  );
                })}
            </tbody>
          </table>
        </Card>

        <div className="stack">
          <Card title="Queue" id="queue-card">
            {status.queue ? (
              status.queue.total === 0 ? (
                <Empty>Nothing waiting to be sent.</Empty>
              ) : (
                <p>
                  <a href={routeHref('queue')}>{plural(status.queue.total, 'message')}</a> waiting: {status.queue.deferred} deferred, {status.queue.held} held; the oldest for{' '}
                  {formatDuration(status.queue.oldestAgeSeconds)}.
                </p>
              )
            ) : (
              <Empty>This version has no outbound queue yet.</Empty>
            )}
          </Card>
          <Card title="Certificates" id="certs">
            <ul className="plain">
              {status.certificates.map((cert) => (
                <li key={cert.names.join(',') + cert.notAfter}>
                  <strong>{cert.names.join(', ')}</strong>{' '}
                  <Badge tone={cert.source === 'self-signed' ? 'warning' : 'ok'}>{cert.source === 'self-signed' ? 'self-signed' : cert.source === 'acme' ? 'ACME' : 'your own'}</Badge>
                  <br />
                  <span className={cert.daysLeft < 14 ? 'error-text' : 'muted'}>
                    expires {formatDate(cert.notAfter)} ({cert.daysLeft} days)
                  </span>
                </li>
              ))}
            </ul>
          </Card>
        </div>
      </div>

      <Card title="Recent warnings and errors" id="recent-errors" actions={<a href={routeHref('logs')}>Open the log</a>}>
        {status.recentErrors.length === 0 ? (
          <Empty>No warnings or errors in the last 24 hours.</Empty>
        ) : (
          <ul className="log-mini">
            {status.recentErrors.map((l) => (
              <li key={l.seq}>
                <span className={`level ${l.level}`}>{l.level}</span> <time>{formatTime(l.time)}</time> <span className="component">{l.component}</span> {l.msg} <span className="muted">{keyFields(l.fields)}</span>
              </li>
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}

/** The fields that say what a warning is about (a message, an address, a peer), for one line. */
function keyFields(fields: Record<string, unknown>): string {
  return ['to', 'domain', 'remote', 'queueId']
    .filter((k) => fields[k] !== undefined && fields[k] !== null && fields[k] !== '')
    .slice(0, 2)
    .map((k) => `${k}=${String(fields[k])}`)
    .join(' ');
}

function Stat({ label, value, href }: { label: string; value: number | string; href?: string }) {
  const body = (
    <>
      <span className="stat-value">{value}</span>
      <span className="stat-label">{label}</span>
    </>
  );
  return (
    <div className="stat" role="listitem">
      {href ? <a href={href}>{body}</a> : body}
    </div>
  );
}
