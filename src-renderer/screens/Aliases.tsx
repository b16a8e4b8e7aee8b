// Aliases: plain forwarding (one address to one or more targets, local or remote), the catch-all
// of a domain (`@domain`), and which accounts may send as each alias (its local targets).
import { useState, type FormEvent } from 'react';
import type { AliasInfo } from '../../src-mailserver/admin/contract.js';
import { useDirectory, useStores, useToast } from '../app/stores.js';
import { Badge, Card, Empty, Field, PageHeader } from '../components/Card.js';
import { useConfirm } from '../components/Confirm.js';

export function Aliases() {
  const { directory } = useStores();
  const aliases = useDirectory((s) => s.aliases);
  const domains = useDirectory((s) => s.domains);
  const toast = useToast();
  const confirm = useConfirm();
  const [source, setSource] = useState('');
  const [targets, setTargets] = useState('');
  const [catchAll, setCatchAll] = useState(false);
  const [domain, setDomain] = useState('');
  const [error, setError] = useState<string | null>(null);
  const chosenDomain = domain || domains[0]?.name || '';

  const add = async (e: FormEvent) => {
    e.preventDefault();
    const list = targets.split(/[\s,;]+/).filter(Boolean);
    try {
      const a = await directory.getState().addAlias(catchAll ? `@${chosenDomain}` : `${source}@${chosenDomain}`, list);
      toast.info(`${a.address} → ${a.targets.join(', ')}`);
      setSource('');
      setTargets('');
      setError(null);
    } catch (err) {
      setError((err as Error).message);
    }
  };

  const remove = async (a: AliasInfo) => {
    const ok = await confirm({
      title: `Remove ${a.address}?`,
      message: <p>{a.catchAll ? `Mail to unknown addresses at ${a.domain} will be refused.` : `Mail to ${a.address} will be refused.`}</p>,
      confirmLabel: 'Remove alias',
      danger: true,
    });
    if (!ok) return;
    try {
      await directory.getState().removeAlias(a.address);
      toast.info(`Removed ${a.address}`);
    } catch (err) {
      toast.error(err);
    }
  };

  return (
    <div className="screen">
      <PageHeader title="Aliases" subtitle="Addresses that forward to accounts here or to addresses elsewhere." />
      {domains.length === 0 ? (
        <Empty>Add a domain first.</Empty>
      ) : (
        <Card title="Add an alias" id="add-alias">
          <form className="form-grid" onSubmit={add}>
            <Field label="Address" htmlFor="alias-local" help={catchAll ? 'Every address of the domain that has no account or alias.' : 'What goes before the @.'}>
              <div className="address-input">
                <input id="alias-local" value={catchAll ? '*' : source} disabled={catchAll} onChange={(e) => setSource(e.target.value)} required={!catchAll} spellCheck={false} />
                <span>@</span>
                <select aria-label="Domain" value={chosenDomain} onChange={(e) => setDomain(e.target.value)}>
                  {domains.map((d) => (
                    <option key={d.name}>{d.name}</option>
                  ))}
                </select>
              </div>
            </Field>
            <Field label="Deliver to" htmlFor="alias-targets" help="One or more addresses, separated by commas; accounts here may then also send as this alias.">
              <input id="alias-targets" value={targets} onChange={(e) => setTargets(e.target.value)} required spellCheck={false} />
            </Field>
            <label className="check form-wide">
              <input type="checkbox" checked={catchAll} onChange={(e) => setCatchAll(e.target.checked)} /> Catch-all for the whole domain
            </label>
            {error && (
              <p className="error-note form-wide" role="alert">
                {error}
              </p>
            )}
            <div className="form-wide">
              <button type="submit" className="button primary" disabled={!targets.trim() || (!catchAll && !source.trim())}>
                Add alias
              </button>
            </div>
          </form>
        </Card>
      )}
      {aliases.length === 0 ? (
        <Empty>No aliases yet.</Empty>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Alias</th>
                <th scope="col">Delivers to</th>
                <th scope="col">May send as it</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {aliases.map((a) => (
                <tr key={a.address}>
                  <th scope="row">
                    {a.address} {a.catchAll && <Badge tone="info">catch-all</Badge>}
                  </th>
                  <td>{a.targets.join(', ')}</td>
                  <td className="small">{a.senders.length ? a.senders.join(', ') : <span className="muted">—</span>}</td>
                  <td className="row-actions">
                    <button type="button" className="button small danger" onClick={() => void remove(a)} aria-label={`Remove ${a.address}`}>
                      Remove
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
