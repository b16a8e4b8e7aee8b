// Local domains: add (DKIM keys are made with it), the addresses other servers expect
// (postmaster@, abuse@) offered as aliases, the DNS page of each, and removal with confirmation
// that says what goes with the domain.
import { useState, type FormEvent } from 'react';
import type { DomainInfo } from '../../src-mailserver/admin/contract.js';
import { routeHref } from '../app/router.js';
import { useDirectory, useStores, useToast } from '../app/stores.js';
import { Card, Empty, Field, PageHeader } from '../components/Card.js';
import { useConfirm } from '../components/Confirm.js';
import { formatDate, plural } from '../format.js';

export function Domains() {
  const { directory } = useStores();
  const domains = useDirectory((s) => s.domains);
  const accounts = useDirectory((s) => s.accounts);
  const toast = useToast();
  const confirm = useConfirm();
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const add = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      const d = await directory.getState().addDomain(name);
      toast.info(`Added ${d.display}; DKIM keys ${d.dkimSelectors.join(', ')} created`);
      setName('');
      setError(null);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const remove = async (d: DomainInfo) => {
    const notEmpty = d.accounts + d.aliases > 0;
    const ok = await confirm({
      title: `Remove ${d.display}?`,
      message: notEmpty ? (
        <p>
          This also removes its {plural(d.accounts, 'account')} and {plural(d.aliases, 'alias', 'aliases')}. Mail for {d.display} will be refused.
        </p>
      ) : (
        <p>Mail for {d.display} will be refused.</p>
      ),
      confirmLabel: 'Remove domain',
      danger: true,
    });
    if (!ok) return;
    try {
      await directory.getState().removeDomain(d.name, notEmpty);
      toast.info(`Removed ${d.display}`);
    } catch (err) {
      toast.error(err);
    }
  };

  const addRoles = async (d: DomainInfo, target: string) => {
    try {
      for (const address of d.missingRoleAddresses) await directory.getState().addAlias(address, [target]);
      toast.info(`${d.missingRoleAddresses.join(' and ')} now go to ${target}`);
    } catch (err) {
      toast.error(err);
    }
  };

  return (
    <div className="screen">
      <PageHeader title="Domains" subtitle="The domains this server receives mail for." />
      <Card title="Add a domain" id="add-domain">
        <form className="inline-form" onSubmit={add}>
          <Field label="Domain name" htmlFor="domain-name" error={error} help="For example example.org. A DKIM key pair is created for signing its mail.">
            <input id="domain-name" value={name} onChange={(e) => setName(e.target.value)} required autoComplete="off" spellCheck={false} />
          </Field>
          <button type="submit" className="button primary" disabled={busy || !name.trim()}>
            Add domain
          </button>
        </form>
      </Card>
      {domains.length === 0 ? (
        <Empty>No domains yet.</Empty>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Domain</th>
                <th scope="col" className="num">
                  Accounts
                </th>
                <th scope="col" className="num">
                  Aliases
                </th>
                <th scope="col">DKIM selectors</th>
                <th scope="col">Added</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {domains.map((d) => {
                const firstAccount = accounts.find((a) => a.domain === d.name)?.address;
                return (
                  <tr key={d.name}>
                    <th scope="row">
                      {d.display}
                      {d.missingRoleAddresses.length > 0 && (
                        <p className="hint">
                          Other servers expect {d.missingRoleAddresses.join(' and ')}.{' '}
                          {firstAccount && (
                            <button type="button" className="link-button" onClick={() => void addRoles(d, firstAccount)}>
                              Deliver them to {firstAccount}
                            </button>
                          )}
                        </p>
                      )}
                    </th>
                    <td className="num">{d.accounts}</td>
                    <td className="num">{d.aliases}</td>
                    <td className="mono small">{d.dkimSelectors.join(', ')}</td>
                    <td>{formatDate(d.createdAt)}</td>
                    <td className="row-actions">
                      <a className="button small" href={routeHref('dns', d.name)}>
                        DNS
                      </a>
                      <button type="button" className="button small danger" onClick={() => void remove(d)} aria-label={`Remove ${d.display}`}>
                        Remove
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
