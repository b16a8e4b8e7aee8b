// Settings: host name and public IP, ports (with the fix when a low port cannot be opened),
// limits, certificates (self-signed or ACME), the outbound relay, the desktop app's preferences
// (in the desktop app only), and running the setup assistant again. Every field says what it does.
import { useEffect, useState, type FormEvent } from 'react';
import type { CertificateInfo, ListenerStatus, ServiceName, Settings as SettingsValue } from '../../src-mailserver/admin/contract.js';
import { useSettings, useStatus, useStores, useToast } from '../app/stores.js';
import { Badge, Card, Field, PageHeader } from '../components/Card.js';
import { PortProblemView } from '../components/PortProblemView.js';
import { RelayForm } from '../components/RelayForm.js';
import { formatDate } from '../format.js';
import { AdminCallError } from '../transport/admin-client.js';

const PORT_LABELS: [ServiceName, string, string][] = [
  ['smtp', 'Incoming mail (SMTP)', 'Other servers deliver here; must be 25 as seen from the internet.'],
  ['submission', 'Submission (STARTTLS)', 'Mail apps send through this port, 587 by convention.'],
  ['smtps', 'Submission (TLS)', 'Mail apps send over TLS, 465 by convention.'],
  ['imap', 'IMAP (STARTTLS)', '143 by convention.'],
  ['imaps', 'IMAP (TLS)', '993 by convention; what mail apps should use.'],
  ['pop3', 'POP3 (STARTTLS)', '110 by convention.'],
  ['pop3s', 'POP3 (TLS)', '995 by convention.'],
  ['http', 'HTTP', 'Certificates (ACME), autoconfig and MTA-STS; 80 from the internet for ACME.'],
  ['https', 'HTTPS', 'Autoconfig and MTA-STS over TLS, 443.'],
  ['admin', 'Admin UI', 'This page when opened in a browser; only on this machine unless allowed.'],
];

export function Settings() {
  const { settings: store } = useStores();
  const settings = useSettings((s) => s.settings);
  const status = useStatus((s) => s.status);
  useEffect(() => {
    void store.getState().load();
  }, [store]);
  if (!settings || !status) return <p className="empty">Loading…</p>;
  return (
    <div className="screen settings">
      <PageHeader title="Settings" subtitle="Saved in config.json in the data folder." />
      {status.portProblem && <PortProblemView problem={status.portProblem} />}
      <ServerSettings settings={settings} runningHostname={status.hostname} />
      <PortSettings settings={settings} listeners={status.listeners} />
      <LimitSettings settings={settings} />
      <Certificates certificates={status.certificates} />
      <Card title="Outbound relay (smarthost)" id="relay">
        <p className="help">Use it when your internet provider blocks port 25, or to send through a service with a good reputation.</p>
        <RelayForm />
      </Card>
      {status.mode === 'desktop' && <DesktopSettings settings={settings} />}
      <SetupAgain />
    </div>
  );
}

function useSave() {
  const { settings } = useStores();
  const toast = useToast();
  return async (patch: Parameters<ReturnType<typeof settings.getState>['update']>[0], what: string) => {
    try {
      const restart = await settings.getState().update(patch);
      toast.info(restart ? `${what} saved; applies after a restart` : `${what} saved`);
      return true;
    } catch (err) {
      toast.error(err);
      return false;
    }
  };
}

function ServerSettings({ settings, runningHostname }: { settings: SettingsValue; runningHostname: string }) {
  const { client } = useStores();
  const save = useSave();
  const [hostname, setHostname] = useState(settings.hostname);
  const [publicIp, setPublicIp] = useState(settings.publicIp ?? '');
  const [detected, setDetected] = useState<string | null>(null);
  const detect = async () => {
    const info = await client.call('network.publicIp', { refresh: true });
    setDetected(info.ip ? `${info.ip} (${info.source})${info.reverseNames.length ? `, reverse name ${info.reverseNames.join(', ')}` : ', no reverse name'}` : 'none found');
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void save({ hostname, publicIp: publicIp.trim() || null }, 'Server settings');
  };
  return (
    <Card title="Server" id="server">
      <form className="form-grid" onSubmit={submit}>
        <Field
          label="Host name"
          htmlFor="set-hostname"
          help={
            <>
              The name this server gives itself: in the SMTP greeting, in Received lines and in its certificate. The MX record and reverse DNS should name it.
              {runningHostname !== settings.hostname && ` Running now as ${runningHostname} (a command-line flag, or a change not applied yet).`}
            </>
          }
        >
          <input id="set-hostname" value={hostname} onChange={(e) => setHostname(e.target.value)} required spellCheck={false} />
        </Field>
        <Field label="Public IP address" htmlFor="set-ip" help={detected ? `Detected: ${detected}` : 'Empty: detected automatically.'}>
          <div className="address-input">
            <input id="set-ip" value={publicIp} onChange={(e) => setPublicIp(e.target.value)} spellCheck={false} placeholder="detect automatically" />
            <button type="button" className="button" onClick={() => void detect()}>
              Detect
            </button>
          </div>
        </Field>
        <div className="form-wide">
          <button type="submit" className="button primary">
            Save
          </button>
        </div>
      </form>
    </Card>
  );
}

function PortSettings({ settings, listeners }: { settings: SettingsValue; listeners: ListenerStatus[] }) {
  const now = (name: ServiceName) => {
    const l = listeners.find((x) => x.name === name);
    if (!l) return '';
    if (l.state === 'running') return `listening on ${l.port}`;
    if (l.state === 'error') return `not running: ${l.error?.message ?? 'error'}`;
    return l.state === 'unavailable' ? 'not in this version' : l.state;
  };
  const save = useSave();
  const [ports, setPorts] = useState<Record<ServiceName, string>>(() => {
    const out = {} as Record<ServiceName, string>;
    for (const [name] of PORT_LABELS) out[name] = settings.ports[name] === null ? '' : String(settings.ports[name]);
    return out;
  });
  const [error, setError] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const patch: Partial<Record<ServiceName, number | null>> = {};
    for (const [name] of PORT_LABELS) {
      const text = ports[name].trim();
      const n = Number(text);
      if (text !== '' && !(Number.isInteger(n) && n >= 1 && n <= 65535)) return setError(`${name}: a port is a number from 1 to 65535, or empty for off`);
      patch[name] = text === '' ? null : n;
    }
    setError(null);
    void save({ ports: patch }, 'Ports');
  };
  return (
    <Card title="Ports" id="ports">
      <form onSubmit={submit}>
        <table className="table compact">
          <tbody>
            {PORT_LABELS.map(([name, label, help]) => (
              <tr key={name}>
                <th scope="row">
                  <label htmlFor={`port-${name}`}>{label}</label>
                  <p className="hint">{help}</p>
                </th>
                <td>
                  <input id={`port-${name}`} className="port-input" inputMode="numeric" value={ports[name]} placeholder="off" onChange={(e) => setPorts({ ...ports, [name]: e.target.value })} />
                </td>
                <td className="muted small">{now(name)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {error && (
          <p className="error-note" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="button primary">
          Save ports
        </button>
      </form>
    </Card>
  );
}

function LimitSettings({ settings }: { settings: SettingsValue }) {
  const save = useSave();
  const [sizeMb, setSizeMb] = useState(String(Math.round(settings.limits.maxMessageBytes / 1024 / 1024)));
  const [recipients, setRecipients] = useState(String(settings.limits.maxRecipients));
  const [connections, setConnections] = useState(String(settings.limits.maxConnections));
  const [idle, setIdle] = useState(String(settings.limits.smtpIdleSeconds));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void save(
      {
        limits: {
          maxMessageBytes: Math.round(Number(sizeMb) * 1024 * 1024),
          maxRecipients: Number(recipients),
          maxConnections: Number(connections),
          smtpIdleSeconds: Number(idle),
        },
      },
      'Limits',
    );
  };
  return (
    <Card title="Limits" id="limits">
      <form className="form-grid" onSubmit={submit}>
        <Field label="Largest message (MB)" htmlFor="lim-size" help="Bigger messages are refused before they are received.">
          <input id="lim-size" type="number" min={1} value={sizeMb} onChange={(e) => setSizeMb(e.target.value)} />
        </Field>
        <Field label="Recipients per message" htmlFor="lim-rcpt" help="More are refused with a temporary error; senders retry the rest.">
          <input id="lim-rcpt" type="number" min={1} value={recipients} onChange={(e) => setRecipients(e.target.value)} />
        </Field>
        <Field label="Simultaneous connections" htmlFor="lim-conn" help="Per listener.">
          <input id="lim-conn" type="number" min={1} value={connections} onChange={(e) => setConnections(e.target.value)} />
        </Field>
        <Field label="Idle timeout (seconds)" htmlFor="lim-idle" help="An SMTP connection that says nothing this long is closed.">
          <input id="lim-idle" type="number" min={10} value={idle} onChange={(e) => setIdle(e.target.value)} />
        </Field>
        <div className="form-wide">
          <button type="submit" className="button primary">
            Save limits
          </button>
        </div>
      </form>
    </Card>
  );
}

export function Certificates({ certificates, compact = false }: { certificates: CertificateInfo[]; compact?: boolean }) {
  const { client } = useStores();
  const toast = useToast();
  const [email, setEmail] = useState('');
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  const acme = async () => {
    setBusy(true);
    setNote(null);
    try {
      await client.call('certificates.requestAcme', email ? { email } : {});
      toast.info('Certificate requested');
    } catch (err) {
      setNote(err instanceof AdminCallError && err.code === 'unavailable' ? 'ACME certificates are not available in this version of the server.' : (err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card title="Certificates" id="certificates">
      <ul className="plain">
        {certificates.map((c) => (
          <li key={c.names.join(',') + c.notAfter}>
            <strong>{c.names.join(', ')}</strong> <Badge tone={c.source === 'self-signed' ? 'warning' : 'ok'}>{c.source}</Badge> issued by {c.issuer}, valid until {formatDate(c.notAfter)} ({c.daysLeft} days)
            {c.acme?.lastError && <p className="error-text">{c.acme.lastError}</p>}
          </li>
        ))}
      </ul>
      {!compact && (
        <div className="actions">
          <label className="inline">
            Contact e-mail for Let’s Encrypt (optional){' '}
            <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} />
          </label>
          <button type="button" className="button" disabled={busy} onClick={() => void acme()}>
            Get a certificate from Let’s Encrypt
          </button>
        </div>
      )}
      {note && <p className="error-note">{note}</p>}
    </Card>
  );
}

function DesktopSettings({ settings }: { settings: SettingsValue }) {
  const save = useSave();
  const toggles: [keyof SettingsValue['desktop'], string, string][] = [
    ['closeToTray', 'Keep running when the window is closed', 'Mail keeps flowing; open the window again from the tray icon or the app launcher.'],
    ['startMinimized', 'Start minimised', 'Open only the tray icon when the app starts.'],
    ['startAtLogin', 'Start at login', 'Start the app (and the mail server) when you log in.'],
    ['notifications', 'Notifications', 'Tell me when a DNS check fails, the queue is stuck, a certificate expires soon or the public IP changes.'],
  ];
  return (
    <Card title="Desktop app" id="desktop">
      <ul className="plain toggles">
        {toggles.map(([key, label, help]) => (
          <li key={key}>
            <label className="check">
              <input type="checkbox" checked={settings.desktop[key]} onChange={(e) => void save({ desktop: { [key]: e.target.checked } }, label)} /> {label}
            </label>
            <p className="hint">{help}</p>
          </li>
        ))}
      </ul>
    </Card>
  );
}

function SetupAgain() {
  const { wizard, router } = useStores();
  return (
    <Card title="Setup assistant" id="setup-again">
      <p className="help">Walks through host name, domain, account, certificate, DNS, the sending test and mail apps again; nothing is removed.</p>
      <button
        type="button"
        className="button"
        onClick={() => {
          void wizard
            .getState()
            .reopen()
            .then(() => router.getState().navigate('wizard'));
        }}
      >
        Run setup again
      </button>
    </Card>
  );
}
