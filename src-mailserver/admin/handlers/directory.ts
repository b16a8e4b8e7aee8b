// Admin requests for domains, accounts and aliases. Creation goes through the same provisioning
// functions as the CLI (DKIM keys with a domain, a Maildir with an account); removal of a domain
// that still has addresses needs `force`, which the UI asks the user to confirm.
import { rm } from 'node:fs/promises';
import { z } from 'zod';
import { DkimKeyStore } from '../../auth/dkim-keys.js';
import { hashPassword } from '../../auth/passwords.js';
import { UserError } from '../../common/errors.js';
import type { Account } from '../../directory/accounts.js';
import type { Alias } from '../../directory/aliases.js';
import type { Directory } from '../../directory/directory.js';
import { DomainTable, type Domain } from '../../directory/domains.js';
import { addAccountWithMaildir, addDomainWithKeys, checkNewPassword } from '../../directory/provisioning.js';
import type { AccountInfo, AliasInfo, DomainInfo } from '../contract.js';
import type { AdminContext } from '../context.js';
import { handler } from '../handler.js';

const ROLE_ADDRESSES = ['postmaster', 'abuse'];

const domainName = z.string().trim().min(1).max(253);
const address = z.string().trim().min(3).max(320);
const password = z.string().min(1).max(1024);
const quota = z.number().int().positive().max(2 ** 50).nullable();
const noParams = z.object({}).strict();

export function domainInfo(ctx: AdminContext, d: Domain): DomainInfo {
  const { directory } = ctx;
  const missing = ROLE_ADDRESSES.filter((local) => directory.recipients.resolve({ local, domain: d.name }).kind !== 'deliver');
  return {
    name: d.name,
    display: d.display,
    createdAt: d.createdAt,
    accounts: directory.accounts.list(d.name).length,
    aliases: directory.aliases.list(d.name).length,
    dkimSelectors: new DkimKeyStore(ctx.db).published(d.name).map((k) => k.selector),
    missingRoleAddresses: missing.map((local) => `${local}@${d.name}`),
  };
}

export function accountInfo(ctx: AdminContext, a: Account, aliases: Alias[] = ctx.directory.aliases.list(a.domain)): AccountInfo {
  const usage = ctx.store.index.accountUsage(a.id);
  return {
    address: a.address,
    domain: a.domain,
    localPart: a.localPart,
    quotaBytes: a.quotaBytes,
    quotaMessages: a.quotaMessages,
    usedBytes: usage.bytes,
    usedMessages: usage.messages,
    disabled: a.disabled,
    createdAt: a.createdAt,
    aliases: aliases.filter((al) => al.targets.includes(a.address)).map((al) => al.address),
  };
}

function aliasInfo(directory: Directory, al: Alias): AliasInfo {
  const senders = al.targets.filter((t) => directory.accounts.get(t) !== undefined);
  return { address: al.localPart === '' ? `@${al.domain}` : al.address, domain: al.domain, catchAll: al.localPart === '', targets: al.targets, senders };
}

function requireAccount(directory: Directory, input: string): Account {
  const a = directory.accounts.get(input);
  if (!a) throw new UserError(`no such account: ${input}`, 'not_found');
  return a;
}

function optionalDomain(directory: Directory, input: string | undefined): string | undefined {
  if (input === undefined) return undefined;
  const name = DomainTable.parse(input);
  if (!directory.domains.get(name)) throw new UserError(`no such domain: ${input}`, 'not_found');
  return name;
}

export const directoryHandlers = [
  handler({
    method: 'domains.list',
    params: noParams,
    run: (ctx) => ctx.directory.domains.list().map((d) => domainInfo(ctx, d)),
  }),
  handler({
    method: 'domains.add',
    params: z.object({ name: domainName }).strict(),
    changes: 'directory',
    run(ctx, { name }) {
      const added = addDomainWithKeys(ctx.directory, name);
      ctx.log.info({ component: 'admin', domain: added.name }, 'domain added');
      return domainInfo(ctx, added);
    },
  }),
  handler({
    method: 'domains.remove',
    params: z.object({ name: domainName, force: z.boolean().optional() }).strict(),
    changes: 'directory',
    run(ctx, { name, force }) {
      const canonical = DomainTable.parse(name);
      ctx.directory.domains.remove(canonical, force ?? false);
      ctx.log.info({ component: 'admin', domain: canonical }, 'domain removed');
      return { removed: canonical };
    },
  }),
  handler({
    method: 'accounts.list',
    params: z.object({ domain: domainName.optional() }).strict(),
    run(ctx, { domain }) {
      const name = optionalDomain(ctx.directory, domain);
      const aliases = ctx.directory.aliases.list(name);
      return ctx.directory.accounts.list(name).map((a) => accountInfo(ctx, a, aliases));
    },
  }),
  handler({
    method: 'accounts.add',
    params: z.object({ address, password, quotaBytes: quota.optional() }).strict(),
    changes: 'directory',
    async run(ctx, input) {
      const account = await addAccountWithMaildir(ctx.directory, ctx.store, input);
      ctx.log.info({ component: 'admin', user: account.address }, 'account added');
      return accountInfo(ctx, account);
    },
  }),
  handler({
    method: 'accounts.remove',
    params: z.object({ address }).strict(),
    changes: 'directory',
    async run(ctx, input) {
      const account = requireAccount(ctx.directory, input.address);
      ctx.directory.accounts.remove(account.address);
      // The mail goes with the account, as with `mailserver account remove`.
      await rm(ctx.store.maildirOf(account), { recursive: true, force: true });
      ctx.log.info({ component: 'admin', user: account.address }, 'account removed');
      return { removed: account.address };
    },
  }),
  handler({
    method: 'accounts.setPassword',
    params: z.object({ address, password }).strict(),
    changes: 'directory',
    async run(ctx, input) {
      const account = requireAccount(ctx.directory, input.address);
      checkNewPassword(input.password);
      ctx.directory.accounts.setPasswordHash(account.address, await hashPassword(input.password));
      ctx.log.info({ component: 'admin', user: account.address }, 'password changed');
      return accountInfo(ctx, account);
    },
  }),
  handler({
    method: 'accounts.setQuota',
    params: z.object({ address, quotaBytes: quota, quotaMessages: quota }).strict(),
    changes: 'directory',
    run(ctx, input) {
      const account = requireAccount(ctx.directory, input.address);
      ctx.directory.accounts.setQuota(account.address, input.quotaBytes, input.quotaMessages);
      return accountInfo(ctx, requireAccount(ctx.directory, account.address));
    },
  }),
  handler({
    method: 'accounts.setDisabled',
    params: z.object({ address, disabled: z.boolean() }).strict(),
    changes: 'directory',
    run(ctx, input) {
      const account = requireAccount(ctx.directory, input.address);
      ctx.directory.accounts.setDisabled(account.address, input.disabled);
      ctx.log.info({ component: 'admin', user: account.address, disabled: input.disabled }, input.disabled ? 'account disabled' : 'account enabled');
      return accountInfo(ctx, requireAccount(ctx.directory, account.address));
    },
  }),
  handler({
    method: 'aliases.list',
    params: z.object({ domain: domainName.optional() }).strict(),
    run(ctx, { domain }) {
      return ctx.directory.aliases.list(optionalDomain(ctx.directory, domain)).map((al) => aliasInfo(ctx.directory, al));
    },
  }),
  handler({
    method: 'aliases.add',
    params: z.object({ source: address.or(z.string().trim().regex(/^@.+/)), targets: z.array(address).min(1).max(100) }).strict(),
    changes: 'directory',
    run(ctx, { source, targets }) {
      const alias = ctx.directory.aliases.add(source, targets);
      ctx.log.info({ component: 'admin', alias: aliasInfo(ctx.directory, alias).address, targets: alias.targets }, 'alias added');
      return aliasInfo(ctx.directory, alias);
    },
  }),
  handler({
    method: 'aliases.remove',
    params: z.object({ source: z.string().trim().min(2).max(320), targets: z.array(address).max(100).optional() }).strict(),
    changes: 'directory',
    run(ctx, { source, targets }) {
      ctx.directory.aliases.remove(source, targets ?? []);
      ctx.log.info({ component: 'admin', alias: source }, 'alias removed');
      return { removed: source };
    },
  }),
];
