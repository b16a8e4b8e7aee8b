// Recipient resolution for delivery: a local address becomes the set of accounts and remote
// addresses it reaches. Order, as Postfix's virtual_alias_maps then virtual mailboxes: exact
// alias, then account, then the same for the sub-address base (`user+tag` → `user`, RFC 5233),
// then the domain's catch-all. Aliases expand recursively (depth 10), loops stop at an account,
// and duplicate targets are collapsed.
import { isRelayTrick, normalizeLocalPart, parseAddress, splitSubaddress, type MailAddress } from '../mail/address.js';
import type { Account, AccountTable } from './accounts.js';
import type { AliasTable } from './aliases.js';
import type { DomainTable } from './domains.js';

export type Resolution =
  | { kind: 'not-local' }
  | { kind: 'relay-trick' }
  | { kind: 'unknown' }
  | { kind: 'deliver'; accounts: Account[]; remote: string[] };

const MAX_DEPTH = 10;

export class RecipientResolver {
  constructor(
    private readonly domains: DomainTable,
    private readonly accounts: AccountTable,
    private readonly aliases: AliasTable,
  ) {}

  resolve(address: MailAddress): Resolution {
    if (!this.domains.isLocal(address.domain)) return { kind: 'not-local' };
    if (isRelayTrick(address.local)) return { kind: 'relay-trick' };
    const accounts = new Map<number, Account>();
    const remote = new Map<string, string>();
    const found = this.expand(normalizeLocalPart(address.local), address.domain, 0, new Set(), accounts, remote);
    if (!found) return { kind: 'unknown' };
    return { kind: 'deliver', accounts: [...accounts.values()], remote: [...remote.values()] };
  }

  private expand(
    local: string,
    domain: string,
    depth: number,
    seen: Set<string>,
    accounts: Map<number, Account>,
    remote: Map<string, string>,
  ): boolean {
    const key = `${local}@${domain}`;
    const { base, tag } = splitSubaddress(local);
    const candidates = tag === null ? [local] : [local, base];
    if (seen.has(key) || depth > MAX_DEPTH) {
      // An alias that names itself (keep a copy) or a loop: only an account can end it.
      for (const name of candidates) {
        const account = this.accounts.find(name, domain);
        if (account) {
          accounts.set(account.id, account);
          return true;
        }
      }
      return false;
    }
    seen.add(key);
    for (const name of candidates) {
      const alias = this.aliases.find(name, domain);
      if (alias) return this.expandTargets(alias.targets, depth, seen, accounts, remote);
      const account = this.accounts.find(name, domain);
      if (account) {
        accounts.set(account.id, account);
        return true;
      }
    }
    const catchAll = this.aliases.find('', domain);
    if (catchAll) return this.expandTargets(catchAll.targets, depth, seen, accounts, remote);
    return false;
  }

  private expandTargets(
    targets: string[],
    depth: number,
    seen: Set<string>,
    accounts: Map<number, Account>,
    remote: Map<string, string>,
  ): boolean {
    let any = false;
    for (const target of targets) {
      const addr = parseAddress(target);
      if (!addr) continue;
      if (this.domains.isLocal(addr.domain)) {
        if (this.expand(normalizeLocalPart(addr.local), addr.domain, depth + 1, seen, accounts, remote)) any = true;
      } else {
        remote.set(`${addr.local}@${addr.domain}`.toLowerCase(), `${addr.local}@${addr.domain}`);
        any = true;
      }
    }
    return any;
  }
}
