// Building LIST, LSUB and XLIST responses (RFC 9051 §6.3.9 with LIST-EXTENDED RFC 5258,
// SPECIAL-USE RFC 6154, CHILDREN RFC 3348, LIST-STATUS RFC 5819). Special-use attributes are
// always shown (Outlook and Apple Mail look for them), also on LSUB, and XLIST uses the old
// Gmail names (\Inbox, \Spam) that Outlook 2013/2016 expect.
import type { Mailbox } from '../../../store/mailbox-index.js';
import { MAILBOX_SEPARATOR } from '../../../store/maildir.js';
import { astring } from '../../protocol/compose.js';
import { accountOf } from '../mailbox-access.js';
import { encodeMailboxName, listMatcher } from '../mailbox-name.js';
import type { CommandContext } from '../session.js';
import { statusData } from './status-items.js';

export interface ListOptions {
  kind: 'LIST' | 'LSUB' | 'XLIST';
  reference: string;
  patterns: string[];
  subscribedOnly: boolean;
  specialUseOnly: boolean;
  recursiveMatch: boolean;
  returnSubscribed: boolean;
  returnChildren: boolean;
  statusItems: string[];
}

const XLIST_NAMES: Record<string, string> = { '\\Junk': '\\Spam', '\\Sent': '\\Sent', '\\Drafts': '\\Drafts', '\\Trash': '\\Trash', '\\Archive': '\\Archive' };

export async function sendList(ctx: CommandContext, o: ListOptions): Promise<void> {
  const { store } = ctx.services;
  const account = accountOf(ctx);
  const utf8 = ctx.session.utf8;
  const mailboxes = store.index.listMailboxes(account.id);
  const byName = new Map<string, Mailbox>(mailboxes.map((m) => [m.name, m]));
  const subscribed = store.subscriptions(account);
  const matchers = o.patterns.map((p) => listMatcher(o.reference, p));
  const matches = (name: string) => matchers.some((m) => m(name));
  const hasChildren = (name: string) => mailboxes.some((m) => m.name.startsWith(name + MAILBOX_SEPARATOR));
  const names = new Set<string>(o.subscribedOnly ? [...subscribed] : mailboxes.map((m) => m.name));
  const sorted = [...names].sort((a, b) => (a === 'INBOX' ? -1 : b === 'INBOX' ? 1 : a < b ? -1 : a > b ? 1 : 0));
  const lines: string[] = [];
  for (const name of sorted) {
    const mailbox = byName.get(name);
    if (!matches(name)) continue;
    if (o.specialUseOnly && !mailbox?.specialUse) continue;
    const attrs: string[] = [];
    if (!mailbox) attrs.push('\\NonExistent');
    else {
      attrs.push(hasChildren(name) ? '\\HasChildren' : '\\HasNoChildren');
      if (o.kind === 'XLIST') {
        if (name === 'INBOX') attrs.push('\\Inbox');
        else if (mailbox.specialUse && XLIST_NAMES[mailbox.specialUse]) attrs.push(XLIST_NAMES[mailbox.specialUse]!);
      } else if (mailbox.specialUse) attrs.push(mailbox.specialUse);
    }
    if ((o.returnSubscribed || o.subscribedOnly) && subscribed.has(name) && o.kind === 'LIST') attrs.push('\\Subscribed');
    const encoded = astring(encodeMailboxName(name, utf8), utf8);
    lines.push(`* ${o.kind} (${attrs.join(' ')}) "${MAILBOX_SEPARATOR}" ${encoded}`);
    if (o.statusItems.length > 0 && mailbox) lines.push(`* STATUS ${encoded} ${statusData(ctx, mailbox, o.statusItems)}`);
  }
  // RECURSIVEMATCH with SUBSCRIBED: unsubscribed parents of subscribed mailboxes get CHILDINFO (RFC 5258 §3.5).
  if (o.recursiveMatch && o.subscribedOnly) {
    for (const name of mailboxes.map((m) => m.name).sort()) {
      if (subscribed.has(name) || !matches(name)) continue;
      if (![...subscribed].some((s) => s.startsWith(name + MAILBOX_SEPARATOR))) continue;
      lines.push(`* LIST () "${MAILBOX_SEPARATOR}" ${astring(encodeMailboxName(name, utf8), utf8)} ("CHILDINFO" ("SUBSCRIBED"))`);
    }
  }
  for (const line of lines) await ctx.conn.send(line + '\r\n');
}
