// The headless transport of the AdminApi: HTTP + WebSocket on 127.0.0.1 (like Jupyter). Every
// request needs the random token, given once as `/?token=...` (then kept in an HttpOnly,
// SameSite=Strict cookie) or as `Authorization: Bearer`; without it, 401. Requests are
// `POST /api/<method>` with JSON params; events stream on the WebSocket `/api/events`. Anything
// but a loopback address needs the explicit remote setting and is served over TLS only.
import { timingSafeEqual, randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import { UserError } from '../common/errors.js';
import { isLoopback } from '../dns/resolver.js';
import type { TlsProvider } from '../tls/tls-provider.js';
import type { AdminEvent, AdminResponse } from './contract.js';
import type { AdminDispatcher } from './dispatcher.js';
import { securityHeaders, serveUiFile } from './static-files.js';

const MAX_BODY = 1024 * 1024;
const WS_HIGH_WATER = 8 * 1024 * 1024;

export interface AdminHttpOptions {
  dispatcher: AdminDispatcher;
  token: string;
  uiDir: string | null;
  log: Logger;
  /** Serve over TLS with this certificate (required for a non-loopback address). */
  tls?: TlsProvider;
}

export function newAdminToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Refuse a non-loopback admin address unless the user asked for it (then TLS is used). */
export function checkAdminAddress(host: string, remote: boolean): { tls: boolean } {
  const loopback = host === 'localhost' || isLoopback(host);
  if (loopback) return { tls: false };
  if (!remote) {
    throw new UserError(
      `the admin UI would listen on ${host}, reachable from other machines; use --admin-remote to allow that (it is then served over HTTPS), or keep it on 127.0.0.1`,
    );
  }
  return { tls: true };
}

export class AdminHttpServer {
  private readonly server: Server;
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  private readonly sockets = new Set<Socket>();
  private readonly tokenBytes: Buffer;
  private port = 0;

  constructor(private readonly options: AdminHttpOptions) {
    this.tokenBytes = Buffer.from(options.token);
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      this.handle(req, res).catch((err: unknown) => {
        options.log.error({ component: 'admin', err }, 'admin request failed');
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end('internal error\n');
      });
    };
    this.server = options.tls
      ? createHttpsServer({ key: options.tls.keyPair.key, cert: options.tls.keyPair.cert, SNICallback: options.tls.sniCallback }, handler)
      : createHttpServer(handler);
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    this.server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => this.upgrade(req, socket, head));
  }

  get cookieName(): string {
    return `homemail_admin_${this.port}`;
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        this.port = (this.server.address() as AddressInfo).port;
        resolve(this.port);
      });
    });
  }

  async stop(): Promise<void> {
    for (const client of this.wss.clients) client.close(1012, 'server restarting');
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    setTimeout(() => {
      for (const s of this.sockets) s.destroy();
    }, 500).unref();
    await closed;
    this.wss.close();
  }

  private authorized(req: IncomingMessage): boolean {
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const cookie = parseCookies(req.headers.cookie)[this.cookieName];
    return [bearer, cookie].some((t) => t !== undefined && this.tokenMatches(t));
  }

  private tokenMatches(candidate: string): boolean {
    const given = Buffer.from(candidate);
    return given.length === this.tokenBytes.length && timingSafeEqual(given, this.tokenBytes);
  }

  /** A request from a page of another origin (a site the user visits) is never served. */
  private sameOrigin(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    if (!origin) return true;
    try {
      return new URL(origin).host === req.headers.host;
    } catch {
      return false;
    }
  }

  private wsOrigin(req: IncomingMessage): string {
    return `${this.options.tls ? 'wss' : 'ws'}://${(req.headers.host ?? '').replace(/[^A-Za-z0-9.:[\]-]/g, '')}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://admin.invalid');
    securityHeaders(res, this.wsOrigin(req));
    const token = url.searchParams.get('token');
    if (token !== null && req.method === 'GET') {
      if (!this.tokenMatches(token)) return unauthorized(res);
      // Keep the token in a cookie and take it out of the address bar and history.
      url.searchParams.delete('token');
      const secure = this.options.tls ? '; Secure' : '';
      res.writeHead(303, {
        'Set-Cookie': `${this.cookieName}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/${secure}`,
        Location: url.pathname + (url.search || ''),
        'Cache-Control': 'no-store',
      });
      res.end();
      return;
    }
    if (!this.authorized(req)) return unauthorized(res);
    if (!this.sameOrigin(req)) return sendJson(res, 403, { ok: false, error: { code: 'forbidden', message: 'cross-origin request refused' } });

    if (url.pathname.startsWith('/api/')) {
      if (req.method !== 'POST') return sendJson(res, 405, { ok: false, error: { code: 'invalid', message: 'use POST' } });
      if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
        return sendJson(res, 415, { ok: false, error: { code: 'invalid', message: 'the body must be application/json' } });
      }
      const body = await readBody(req);
      if (body === null) return sendJson(res, 413, { ok: false, error: { code: 'invalid', message: 'request too large' } });
      let params: unknown;
      try {
        params = body.length === 0 ? {} : JSON.parse(body);
      } catch {
        return sendJson(res, 400, { ok: false, error: { code: 'invalid', message: 'the body is not JSON' } });
      }
      const response = await this.options.dispatcher.call(decodeURIComponent(url.pathname.slice(5)), params);
      return sendJson(res, statusFor(response), response);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, { ok: false, error: { code: 'invalid', message: 'method not allowed' } });
    await serveUiFile(this.options.uiDir, url.pathname, res);
  }

  private upgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://admin.invalid');
    if (url.pathname !== '/api/events' || !this.authorized(req) || !this.sameOrigin(req)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.attach(ws));
  }

  private attach(ws: WebSocket): void {
    const { dispatcher } = this.options;
    const send = (event: AdminEvent) => {
      if (ws.readyState !== ws.OPEN) return;
      // A slow client loses log lines rather than the server's memory.
      if (event.type === 'log' && ws.bufferedAmount > WS_HIGH_WATER) return;
      ws.send(JSON.stringify(event));
    };
    const unsubscribe = dispatcher.hub.subscribe(send);
    const ping = setInterval(() => ws.ping(), 30_000);
    ws.on('close', () => {
      clearInterval(ping);
      unsubscribe();
    });
    ws.on('error', () => ws.terminate());
    ws.on('message', () => undefined);
    // The current state at once, so a new page does not wait for the next change.
    void dispatcher.call('status.get', {}).then((r) => {
      if (r.ok) send({ type: 'status', status: r.result as never });
    });
  }
}

function statusFor(response: AdminResponse): number {
  if (response.ok) return 200;
  switch (response.error.code) {
    case 'not_found':
    case 'unknown_method':
      return 404;
    case 'exists':
    case 'not_empty':
      return 409;
    case 'internal':
      return 500;
    case 'unavailable':
      return 501;
    default:
      return 400;
  }
}

function unauthorized(res: ServerResponse): void {
  res.writeHead(401, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', 'WWW-Authenticate': 'Bearer' });
  res.end(
    '<!doctype html><meta charset="utf-8"><title>Homemail</title><p>This page needs the address with its token that <code>mailserver serve</code> printed when it started.</p>\n',
  );
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) tooBig = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooBig ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    try {
      out[name] = decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      /* ignore a malformed cookie */
    }
  }
  return out;
}
