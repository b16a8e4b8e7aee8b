// Wizard step 5: the DNS records to publish, with copy buttons, re-checked every 15 seconds until
// every required one is green. Leaving now is fine: the assistant resumes here later.
import { useEffect } from 'react';
import { useDns, useStores, useWizard } from '../../app/stores.js';
import { Notice } from '../../components/Card.js';
import { DnsCheckList, DnsRecordTable } from '../../components/DnsViews.js';
import { StepActions, StepTitle } from './Wizard.js';

const REQUIRED_CHECKS = ['mx', 'a', 'spf', 'dkim'];

export function DnsStep() {
  const { dns, wizard } = useStores();
  const domain = useWizard((s) => s.wizard?.domain ?? null);
  const records = useDns((s) => (domain ? s.records[domain] : undefined));
  const report = useDns((s) => (domain ? s.reports[domain] : undefined));
  const checking = useDns((s) => (domain ? (s.checking[domain] ?? false) : false));
  const available = useDns((s) => s.available);
  const allGreen = !!report && report.checks.filter((c) => REQUIRED_CHECKS.includes(c.id)).every((c) => c.status === 'ok');

  useEffect(() => {
    if (!domain) return;
    void dns.getState().loadRecords(domain);
    if (allGreen) return;
    return dns.getState().watch(domain, 15_000);
  }, [domain, dns, allGreen]);

  const next = () => void wizard.getState().complete('dns');
  if (!domain) return <Notice tone="warning">Choose a domain first.</Notice>;

  return (
    <div>
      <StepTitle>DNS records for {domain}</StepTitle>
      {!available ? (
        <Notice>DNS records and checks are not available in this version of the server.</Notice>
      ) : (
        <>
          <p>Publish these records where your domain’s DNS is managed. The checks below repeat every 15 seconds until each required record is green.</p>
          <div className="section-head">
            <h3>Checks</h3>
            <button type="button" className="button small" disabled={checking} onClick={() => void dns.getState().check(domain)}>
              {checking ? 'Checking…' : 'Check now'}
            </button>
          </div>
          <DnsCheckList report={report ?? null} checking={checking} />
          <h3>Records</h3>
          {records ? <DnsRecordTable records={records} /> : <p className="muted">Loading…</p>}
          {!allGreen && (
            <Notice>New records can take from minutes to hours to be seen everywhere. You can continue now or close this window; the assistant comes back to this step.</Notice>
          )}
        </>
      )}
      <StepActions>
        <button type="button" className={`button ${allGreen || !available ? 'primary' : ''}`} onClick={next}>
          {allGreen || !available ? 'Continue' : 'Continue without waiting'}
        </button>
      </StepActions>
    </div>
  );
}
