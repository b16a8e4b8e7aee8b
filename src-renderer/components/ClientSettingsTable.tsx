// The settings a mail app needs, as a small table, with the automatic-setup links.
import type { ClientSettings } from '../../src-mailserver/admin/contract.js';
import { Badge, Notice } from './Card.js';

const NAMES = { imap: 'IMAP (incoming)', pop3: 'POP3 (incoming)', smtp: 'SMTP (outgoing)' };

export function ClientSettingsTable({ settings }: { settings: ClientSettings }) {
  return (
    <>
      <p>
        User name: <strong>{settings.username}</strong> (the whole address), with its password.
      </p>
      {settings.servers.length === 0 ? (
        <Notice tone="warning">No mail-app ports are turned on; see Settings → Ports.</Notice>
      ) : (
        <table className="table compact">
          <thead>
            <tr>
              <th scope="col">Service</th>
              <th scope="col">Server</th>
              <th scope="col" className="num">
                Port
              </th>
              <th scope="col">Security</th>
            </tr>
          </thead>
          <tbody>
            {settings.servers.map((s) => (
              <tr key={`${s.protocol}-${s.port}`}>
                <td>
                  {NAMES[s.protocol]} {s.recommended && <Badge tone="ok">recommended</Badge>}
                </td>
                <td>
                  <code>{s.host}</code>
                </td>
                <td className="num">{s.port}</td>
                <td>{s.security === 'tls' ? 'SSL/TLS' : 'STARTTLS'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ul className="plain">
        {settings.autoconfigUrl ? (
          <li>
            Thunderbird and K-9 set themselves up from <a href={settings.autoconfigUrl}>the autoconfig file</a>: just enter the address and password.
          </li>
        ) : (
          <li className="muted">Automatic setup (autoconfig) needs the web listener (Settings → Ports → HTTP).</li>
        )}
        {settings.mobileconfigUrl && (
          <li>
            iPhone, iPad and Mac: <a href={settings.mobileconfigUrl}>download the configuration profile</a> and open it.
          </li>
        )}
      </ul>
    </>
  );
}
