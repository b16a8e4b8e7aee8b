// The DNS page of one domain: the live checks (re-run every minute while the page is open, with
// the time of the last one) and the records to publish with copy buttons and the zone file.
import { useEffect } from 'react';
import { routeHref } from '../app/router.js';
import { useDirectory, useDns, useRouter, useStores } from '../app/stores.js';
import { Card, Empty, Notice, PageHeader } from '../components/Card.js';
import { DnsCheckList, DnsRecordTable } from '../components/DnsViews.js';

export function Dns() {
  const { dns } = useStores();
  const route = useRouter((s) => s.route);
  const domains = useDirectory((s) => s.domains);
  const domain = route?.arg ?? domains[0]?.name ?? null;
  const records = useDns((s) => (domain ? s.records[domain] : undefined));
  const report = useDns((s) => (domain ? s.reports[domain] : undefined));
  const checking = useDns((s) => (domain ? (s.checking[domain] ?? false) : false));
  const available = useDns((s) => s.available);
  const error = useDns((s) => s.error);

  useEffect(() => {
    if (!domain) return;
    void dns.getState().loadRecords(domain);
    return dns.getState().watch(domain, 60_000);
  }, [domain, dns]);

  return (
    <div className="screen">
      <PageHeader
        title={domain ? `DNS for ${domain}` : 'DNS'}
        actions={
          domains.length > 1 && (
            <nav aria-label="Domains" className="segmented">
              {domains.map((d) => (
                <a key={d.name} className={`button ${d.name === domain ? 'primary' : ''}`} href={routeHref('dns', d.name)} aria-current={d.name === domain ? 'page' : undefined}>
                  {d.display}
                </a>
              ))}
            </nav>
          )
        }
      />
      {!domain && <Empty>Add a domain first.</Empty>}
      {domain && !available && <Notice>DNS records and checks are not available in this version of the server.</Notice>}
      {error && <p className="error-note">{error}</p>}
      {domain && available && (
        <>
          <Card
            title="Checks"
            id="dns-checks"
            actions={
              <button type="button" className="button" disabled={checking} onClick={() => void dns.getState().check(domain)}>
                {checking ? 'Checking…' : 'Check now'}
              </button>
            }
          >
            <DnsCheckList report={report ?? null} checking={checking} />
          </Card>
          <Card title="Records to publish" id="dns-records">
            {records ? <DnsRecordTable records={records} /> : <p className="muted">Loading…</p>}
          </Card>
        </>
      )}
    </div>
  );
}
