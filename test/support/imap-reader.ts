// Reading a mailbox the way a user's client does: over IMAP (imapflow), whole messages.
import { ImapFlow } from 'imapflow';

export async function readOverImap(port: number, user: string, pass: string, mailbox = 'INBOX'): Promise<string[]> {
  const client = new ImapFlow({ host: '127.0.0.1', port, secure: false, auth: { user, pass }, logger: false, tls: { rejectUnauthorized: false } });
  await client.connect();
  try {
    const box = await client.mailboxOpen(mailbox);
    const out: string[] = [];
    if (box.exists === 0) return out;
    for await (const m of client.fetch('1:*', { source: true })) out.push(m.source!.toString('latin1'));
    return out;
  } finally {
    await client.logout();
  }
}
