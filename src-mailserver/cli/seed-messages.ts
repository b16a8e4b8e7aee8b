// Generated test mail for `mailserver seed`: varied senders, subjects, dates, sizes and MIME
// shapes (plain text, multipart/alternative, an attachment now and then), each with a unique
// Message-ID `<seed-N@seed.example>` and a searchable word `seedword-N` in its body, so a
// benchmark can ask for one message by header or by body text.

const NAMES = ['Alice Archer', 'Bob Baker', 'Carol Chen', 'Dan Diaz', 'Eve Evans', 'Frank Fox', 'Grace Green', 'Heidi Hall'];
const WORDS = 'meeting report invoice holiday project budget review draft photo lunch weekend update question answer schedule travel'.split(' ');

function word(n: number): string {
  return WORDS[n % WORDS.length]!;
}

/** Message number `n` (0-based) of a seeded mailbox, with CRLF line ends. */
export function seedMessage(n: number, to: string, baseTime = Date.UTC(2024, 0, 1)): { data: Buffer; date: number } {
  const name = NAMES[n % NAMES.length]!;
  const from = `${name} <${name.split(' ')[0]!.toLowerCase()}${n % 97}@seed.example>`;
  const date = baseTime + n * 137_000;
  const subject = `${word(n)} ${word(n * 7 + 3)} #${n}`;
  const paragraph = Array.from({ length: 3 + (n % 20) }, (_, i) => `${word(n + i)} ${word(n * 3 + i)} ${word(i * 5)} lorem ipsum dolor sit amet.`).join('\r\n');
  const text = `Hello,\r\n\r\n${paragraph}\r\nseedword-${n}\r\n\r\n-- \r\n${name}\r\n`;
  const head = [`From: ${from}`, `To: ${to}`, `Subject: ${subject}`, `Date: ${new Date(date).toUTCString().replace('GMT', '+0000')}`, `Message-ID: <seed-${n}@seed.example>`, 'MIME-Version: 1.0'];
  let body: string;
  if (n % 10 === 3) {
    const attachment = Buffer.alloc(1024 + (n % 8) * 512, n % 251).toString('base64').replace(/.{76}/g, '$&\r\n');
    head.push('Content-Type: multipart/mixed; boundary="seed-b"');
    body = `--seed-b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${text}\r\n--seed-b\r\nContent-Type: application/octet-stream; name="file-${n}.bin"\r\nContent-Disposition: attachment; filename="file-${n}.bin"\r\nContent-Transfer-Encoding: base64\r\n\r\n${attachment}\r\n--seed-b--\r\n`;
  } else if (n % 3 === 0) {
    head.push('Content-Type: multipart/alternative; boundary="seed-a"');
    body = `--seed-a\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${text}\r\n--seed-a\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>${text.replace(/\r\n/g, '<br>')}</p>\r\n--seed-a--\r\n`;
  } else {
    head.push('Content-Type: text/plain; charset=utf-8');
    body = text;
  }
  return { data: Buffer.from(head.join('\r\n') + '\r\n\r\n' + body), date };
}
