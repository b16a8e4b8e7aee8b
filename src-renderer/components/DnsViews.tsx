// DNS records to publish (name / type / value rows, required first, each with its copy button,
// the whole zone to download) and the live check results (ok / warning / error, what was found
// next to what is expected, "not propagated yet" told apart from a wrong value), with the usual
// traps explained once. Used by the DNS page and the wizard.
import type { DnsCheck, DnsCheckReport, DnsImportance, DnsRecords } from '../../src-mailserver/admin/contract.js';
import { formatRelative } from '../format.js';
import { Badge, Dot, type Tone } from './Card.js';
import { CopyButton, downloadText } from './CopyButton.js';

const ORDER: Record<DnsImportance, number> = { required: 0, recommended: 1, optional: 2 };
const IMPORTANCE_TONE: Record<DnsImportance, Tone> = { required: 'error', recommended: 'warning', optional: 'muted' };
const CHECK_NAMES: Record<string, string> = {
  mx: 'MX',
  a: 'A / AAAA of the mail host',
  ptr: 'Reverse DNS (PTR)',
  spf: 'SPF',
  dkim: 'DKIM',
  dmarc: 'DMARC',
  'mta-sts': 'MTA-STS',
  'tls-rpt': 'TLS reporting',
  port25: 'Outbound port 25',
  dnsbl: 'Blocklists',
};

export function DnsRecordTable({ records }: { records: DnsRecords }) {
  const sorted = [...records.records].sort((a, b) => ORDER[a.importance] - ORDER[b.importance] || a.kind.localeCompare(b.kind));
  return (
    <>
      <div className="table-wrap">
        <table className="table dns-records">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Type</th>
              <th scope="col">Value</th>
              <th scope="col">
                <span className="visually-hidden">Copy</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {sorted.map((r, i) => (
              <tr key={`${r.name}-${r.type}-${i}`}>
                <td>
                  <code className="break">{r.name}</code>
                  <br />
                  <Badge tone={IMPORTANCE_TONE[r.importance]}>{r.importance}</Badge>
                </td>
                <td>{r.type}</td>
                <td>
                  <code className="break value">{r.value}</code>
                  <p className="hint">{r.explanation}</p>
                </td>
                <td className="row-actions">
                  <CopyButton value={r.value} what={`the ${r.type} value for ${r.name}`} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="actions">
        <button type="button" className="button" onClick={() => downloadText(`${records.domain}.zone`, records.zoneFile)}>
          Download zone file
        </button>
        <CopyButton value={records.zoneFile} label="Copy zone file" what="the zone file" />
      </div>
      <details className="traps">
        <summary>Common traps when entering records</summary>
        <ul>
          <li>
            Some providers want only the part before the domain (<code>mail</code> rather than <code>mail.{records.domain}</code>), and <code>@</code> for the domain
            itself; others append the domain themselves, so a full name ends up doubled.
          </li>
          <li>TXT values longer than 255 characters (DKIM keys) are split into several quoted strings; most providers do this for you, some need it typed.</li>
          <li>With Cloudflare, turn the proxy (orange cloud) off for the mail host: mail cannot go through it.</li>
          <li>The records start with a low TTL so mistakes are quick to fix; raise it once everything is green.</li>
        </ul>
      </details>
    </>
  );
}

function checkTone(c: DnsCheck): Tone {
  return c.status === 'ok' ? 'ok' : c.status === 'warning' ? 'warning' : 'error';
}

export function DnsCheckList({ report, checking }: { report: DnsCheckReport | null; checking: boolean }) {
  if (!report) return <p className="muted">{checking ? 'Checking…' : 'Not checked yet.'}</p>;
  const counts = { ok: 0, warning: 0, error: 0 };
  for (const c of report.checks) counts[c.status]++;
  return (
    <>
      <p className="muted" aria-live="polite">
        {counts.ok} ok · {counts.warning} warnings · {counts.error} errors · checked {formatRelative(report.checkedAt)}
        {checking ? ' · checking again…' : ''}
      </p>
      <ul className="checklist">
        {report.checks.map((c) => (
          <li key={c.id}>
            <Dot tone={checkTone(c)} label={c.status} />
            <div>
              <strong>{CHECK_NAMES[c.id] ?? c.id}</strong> {c.propagating && <Badge tone="info">not propagated yet</Badge>}
              <p>{c.detail}</p>
              {(c.found?.length || c.expected?.length) && c.status !== 'ok' ? (
                <dl className="found-expected">
                  {c.expected?.length ? (
                    <>
                      <dt>Expected</dt>
                      <dd>{c.expected.map((v) => <code key={v}>{v}</code>)}</dd>
                    </>
                  ) : null}
                  <dt>Found</dt>
                  <dd>{c.found?.length ? c.found.map((v) => <code key={v}>{v}</code>) : <span className="muted">nothing</span>}</dd>
                </dl>
              ) : null}
              {c.fix && c.status !== 'ok' && <p className="fix">Fix: {c.fix}</p>}
            </div>
          </li>
        ))}
      </ul>
    </>
  );
}
