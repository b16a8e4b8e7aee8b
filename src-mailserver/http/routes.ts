// What the web listeners answer (a table of routes, no framework): ACME HTTP-01 challenges
// (RFC 8555 §8.3), the MTA-STS policy on HTTPS only (RFC 8461 §3.3), Thunderbird autoconfig at
// both of its paths, Outlook's POX autodiscover, and an Apple .mobileconfig per address.
// Only local domains get answers; nothing here says whether an account exists.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Config, PortName } from '../config/config.js';
import type { Directory } from '../directory/directory.js';
import { clientSettingsFor, thunderbirdConfigXml } from '../dns/client-config/client-settings.js';
import { asksForOtherSchema, autodiscoverErrorXml, autodiscoverRequestAddress, autodiscoverResponseXml } from '../dns/client-config/autodiscover.js';
import { mobileconfigXml } from '../dns/client-config/mobileconfig.js';
import { mtaStsModeFor } from '../dns/mail-setup.js';
import { mtaStsPolicyText } from '../dns/records.js';
import { normalizeDomain, parseAddress, type MailAddress } from '../mail/address.js';
import type { AcmeChallengeStore } from '../tls/acme-challenges.js';

export interface WebDeps {
  config: Config;
  directory: Pick<Directory, 'domains'>;
  challenges: AcmeChallengeStore;
  /** Ports the server listens on (for ports configured as 0). */
  runningPorts: () => Partial<Record<PortName, number>>;
  log: Logger;
}

interface Request {
  method: string;
  path: string;
  query: URLSearchParams;
  /** Host header without port, lower case. */
  host: string;
  secure: boolean;
  body: () => Promise<string>;
}

interface Reply {
  status: number;
  type?: string;
  body: string;
  headers?: Record<string, string>;
}

interface Route {
  methods: string[];
  match: (path: string) => boolean;
  httpsOnly?: boolean;
  run: (req: Request, deps: WebDeps) => Promise<Reply> | Reply;
}

const NOT_FOUND: Reply = { status: 404, type: 'text/plain; charset=utf-8', body: 'Not found\n' };
const MAX_BODY = 64 * 1024;

/** A local domain named by ?emailaddress=, else by the host (`autoconfig.DOMAIN` or DOMAIN). */
function domainOf(req: Request, deps: WebDeps, prefixes: string[]): { domain: string; address: MailAddress | null } | null {
  const given = req.query.get('emailaddress');
  if (given) {
    const address = parseAddress(given);
    return address && deps.directory.domains.isLocal(address.domain) ? { domain: address.domain, address } : null;
  }
  for (const prefix of ['', ...prefixes]) {
    if (!req.host.startsWith(prefix)) continue;
    const domain = normalizeDomain(req.host.slice(prefix.length));
    if (domain && deps.directory.domains.isLocal(domain)) return { domain, address: null };
  }
  return null;
}

const ROUTES: Route[] = [
  {
    methods: ['GET', 'HEAD'],
    match: (p) => p.startsWith('/.well-known/acme-challenge/'),
    run(req, deps) {
      const answer = deps.challenges.get(req.path.slice('/.well-known/acme-challenge/'.length));
      return answer ? { status: 200, type: 'text/plain', body: answer } : NOT_FOUND;
    },
  },
  {
    methods: ['GET', 'HEAD'],
    match: (p) => p === '/.well-known/mta-sts.txt',
    httpsOnly: true,
    run(req, deps) {
      const domain = req.host.startsWith('mta-sts.') ? normalizeDomain(req.host.slice('mta-sts.'.length)) : null;
      if (!domain || !deps.directory.domains.isLocal(domain)) return NOT_FOUND;
      const policy = mtaStsPolicyText({ hostname: deps.config.hostname.toLowerCase(), mtaStsMode: mtaStsModeFor(deps.config) });
      return { status: 200, type: 'text/plain', body: policy, headers: { 'cache-control': 'max-age=300' } };
    },
  },
  {
    methods: ['GET', 'HEAD'],
    match: (p) => p === '/mail/config-v1.1.xml' || p === '/.well-known/autoconfig/mail/config-v1.1.xml',
    run(req, deps) {
      const found = domainOf(req, deps, ['autoconfig.']);
      if (!found) return NOT_FOUND;
      const settings = clientSettingsFor(deps.config, { local: 'x', domain: found.domain }, deps.runningPorts());
      return { status: 200, type: 'application/xml; charset=utf-8', body: thunderbirdConfigXml(settings) };
    },
  },
  {
    methods: ['POST'],
    match: (p) => p.toLowerCase() === '/autodiscover/autodiscover.xml',
    async run(req, deps) {
      const xml = (body: string): Reply => ({ status: 200, type: 'application/xml; charset=utf-8', body });
      const body = await req.body();
      if (asksForOtherSchema(body)) return xml(autodiscoverErrorXml('Only the Outlook (POX) response schema is served'));
      const address = parseAddress(autodiscoverRequestAddress(body) ?? '');
      if (!address || !deps.directory.domains.isLocal(address.domain)) return xml(autodiscoverErrorXml('Invalid Request'));
      return xml(autodiscoverResponseXml(clientSettingsFor(deps.config, address, deps.runningPorts())));
    },
  },
  {
    methods: ['GET', 'HEAD'],
    match: (p) => p === '/mail.mobileconfig',
    run(req, deps) {
      const found = domainOf(req, deps, []);
      if (!found?.address) return NOT_FOUND;
      const profile = mobileconfigXml(clientSettingsFor(deps.config, found.address, deps.runningPorts()), deps.config.hostname.toLowerCase());
      if (!profile) return NOT_FOUND;
      return {
        status: 200,
        type: 'application/x-apple-aspen-config',
        body: profile,
        headers: { 'content-disposition': `attachment; filename="${found.domain}.mobileconfig"` },
      };
    },
  },
];

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      // Past the limit: answer 413 (the reply closes the connection) and discard the rest.
      if (size > MAX_BODY) reject(Object.assign(new Error('body too large'), { status: 413 }));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, reply: Reply, head: boolean): void {
  const body = Buffer.from(reply.body, 'utf8');
  res.writeHead(reply.status, { 'content-type': reply.type ?? 'text/plain; charset=utf-8', 'content-length': body.length, 'x-content-type-options': 'nosniff', ...reply.headers });
  res.end(head ? undefined : body);
}

export function createWebHandler(deps: WebDeps, secure: boolean): (req: IncomingMessage, res: ServerResponse) => void {
  return (incoming, res) => {
    const method = incoming.method ?? 'GET';
    let url: URL;
    try {
      url = new URL(incoming.url ?? '/', 'http://localhost');
    } catch {
      return send(res, { status: 400, body: 'Bad request\n' }, false);
    }
    const host = (incoming.headers.host ?? '').replace(/:\d+$/, '').replace(/\.$/, '').toLowerCase();
    const req: Request = { method, path: url.pathname, query: url.searchParams, host, secure, body: () => readBody(incoming) };
    const route = ROUTES.find((r) => r.match(req.path) && (secure || !r.httpsOnly));
    const finish = (reply: Reply) => {
      deps.log.debug({ method, path: req.path, host, status: reply.status, secure }, 'http request');
      send(res, reply, method === 'HEAD');
    };
    if (!route) return finish(NOT_FOUND);
    if (!route.methods.includes(method)) return finish({ status: 405, body: 'Method not allowed\n', headers: { allow: route.methods.join(', ') } });
    Promise.resolve()
      .then(() => route.run(req, deps))
      .then(finish, (err: Error & { status?: number }) => {
        if (err.status === 413) return finish({ status: 413, body: 'Request too large\n', headers: { connection: 'close' } });
        deps.log.error({ err, path: req.path }, 'http handler failed');
        finish({ status: 500, body: 'Internal error\n' });
      });
  };
}
