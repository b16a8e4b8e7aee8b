// Check "port25": can this machine open outbound SMTP connections? Connects to a configurable
// test host (RFC 5321 §3.1 greeting, §4.1.1.1 EHLO, RFC 3207 STARTTLS offered) and reports each
// stage with its time. Many home ISPs block port 25; then the fix is a smarthost relay.
import { connect, isIP, type Socket } from 'node:net';
import { errorMessage } from '../../common/errors.js';
import { type CheckContext, type DnsCheckResult } from './check-types.js';

const TITLE = 'Outbound port 25';

type Step = NonNullable<DnsCheckResult['steps']>[number];

export function parseHostPort(text: string, defaultPort: number): { host: string; port: number } {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(text) ?? /^([^:]+)(?::(\d+))?$/.exec(text);
  if (!m) return { host: text, port: defaultPort };
  return { host: m[1]!, port: m[2] ? Number(m[2]) : defaultPort };
}

/** Read one SMTP reply (all continuation lines); resolves with code and text. */
function readReply(socket: Socket, timeoutMs: number): Promise<{ code: number; text: string }> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const lines: string[] = [];
    const timer = setTimeout(() => done(new Error(`no reply within ${timeoutMs / 1000} s`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      if (buffer.length > 64 * 1024) return done(new Error('reply too long'));
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl).replace(/\r$/, '');
        buffer = buffer.slice(nl + 1);
        lines.push(line);
        const m = /^(\d{3})([ -])/.exec(line);
        if (!m) return done(new Error(`not an SMTP reply: ${line.slice(0, 80)}`));
        if (m[2] === ' ') return done(null, { code: Number(m[1]), text: lines.map((l) => l.slice(4)).join('\n') });
      }
    };
    const onClose = () => done(new Error('the connection was closed'));
    const onError = (err: Error) => done(err);
    function done(err: Error | null, reply?: { code: number; text: string }) {
      clearTimeout(timer);
      socket.off('data', onData).off('close', onClose).off('error', onError);
      if (err) reject(err);
      else resolve(reply!);
    }
    socket.on('data', onData).on('close', onClose).on('error', onError);
  });
}

export async function checkPort25(ctx: CheckContext): Promise<DnsCheckResult> {
  const { hostname } = ctx.setup;
  // Only a relay for all mail makes port 25 unnecessary.
  const relay = ctx.setup.relayScope === 'domains' ? null : ctx.setup.relay;
  const timeoutMs = ctx.port25TimeoutMs ?? 10_000;
  const { host, port } = parseHostPort(ctx.port25, 25);
  const steps: Step[] = [];
  const base = { id: 'port25' as const, title: TITLE, expected: [`${host}:${port} answers with 220`], found: [] as string[], steps };
  const timed = async <T,>(name: string, run: () => Promise<T>, describe: (v: T) => string): Promise<T> => {
    const start = Date.now();
    try {
      const value = await run();
      steps.push({ name, ok: true, ms: Date.now() - start, detail: describe(value) });
      return value;
    } catch (err) {
      steps.push({ name, ok: false, ms: Date.now() - start, detail: errorMessage(err) });
      throw err;
    }
  };
  const blockedStatus = relay ? 'warning' : 'error';
  const blockedFix = relay
    ? `Outgoing mail already goes through the relay ${relay.host}, so this does not stop it.`
    : 'Ask your ISP to unblock outbound port 25 (some do on request, or on a business plan), or send through a smarthost relay: set one up in the relay settings (host, port 587 or 465, user name and password from your mail provider).';
  let address = host;
  if (!isIP(host)) {
    try {
      address = await timed('resolve', () => ctx.resolver.resolve4(host).then((a) => a[0]!), (a) => `${host} is ${a}`);
    } catch (err) {
      return { ...base, status: 'warning', detail: `Could not resolve the test host ${host} (${errorMessage(err)}), so outbound port 25 was not tested.`, fix: 'Check the network and the DNS server, or configure another port-25 test host.' };
    }
  }
  const socket = connect({ host: address, port });
  socket.on('error', () => undefined);
  try {
    await timed(
      'connect',
      () =>
        new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
          socket.once('connect', () => (clearTimeout(timer), resolve()));
          socket.once('error', (err) => (clearTimeout(timer), reject(err)));
        }),
      () => `connected to ${address}:${port}`,
    );
  } catch (err) {
    socket.destroy();
    return {
      ...base,
      status: blockedStatus,
      detail: `Could not connect to ${host}:${port} (${errorMessage(err)}). Many home ISPs block outgoing port 25 against spam; then this server cannot deliver mail to other servers directly.`,
      fix: blockedFix,
    };
  }
  try {
    const greeting = await timed('greeting', () => readReply(socket, timeoutMs), (r) => `${r.code} ${r.text.split('\n')[0]}`);
    base.found.push(`${greeting.code} ${greeting.text.split('\n')[0]}`);
    if (greeting.code !== 220) {
      return {
        ...base,
        status: 'warning',
        detail: `${host} accepted the connection but refused to talk (${greeting.code} ${greeting.text.split('\n')[0]}): our address may be on a blocklist or listed as residential.`,
        fix: relay ? blockedFix : 'Check the blocklist result, or send through a smarthost relay (relay settings).',
      };
    }
    socket.write(`EHLO ${hostname}\r\n`);
    const ehlo = await timed('ehlo', () => readReply(socket, timeoutMs), (r) => `${r.code}, ${/^STARTTLS$/im.test(r.text) ? 'STARTTLS offered' : 'no STARTTLS'}`);
    socket.write('QUIT\r\n');
    return {
      ...base,
      status: 'ok',
      detail: `Outbound port 25 works: ${host} greeted us in ${steps.reduce((s, x) => s + x.ms, 0)} ms${ehlo.code === 250 && /^STARTTLS$/im.test(ehlo.text) ? ' and offers STARTTLS' : ''}.`,
      fix: '',
    };
  } catch (err) {
    return {
      ...base,
      status: blockedStatus,
      detail: `Connected to ${host}:${port}, but no SMTP conversation followed (${errorMessage(err)}); a firewall or the ISP may be intercepting port 25.`,
      fix: blockedFix,
    };
  } finally {
    socket.end();
    setTimeout(() => socket.destroy(), 1000).unref();
  }
}
