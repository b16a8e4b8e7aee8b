// The app:// scheme the window loads the UI from (rather than file://, which would give the page
// the whole disk as its origin): app://homemail/<path> maps to a file of the built UI, never
// outside its folder, served with the strict Content-Security-Policy and nosniff.
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { APP_HOST, CONTENT_SECURITY_POLICY } from './window-policy.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/** The file for an app:// URL, or null when the URL is not ours or leaves the UI folder. */
export function resolveAppFile(url: string, uiDir: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.host !== APP_HOST) return null;
  let rel: string;
  try {
    rel = normalize(decodeURIComponent(u.pathname)).replace(/^([/\\])+/, '');
  } catch {
    return null;
  }
  if (rel === '' || rel === '.') rel = 'index.html';
  const file = join(uiDir, rel);
  return file.startsWith(uiDir + sep) ? file : null;
}

/** The protocol handler's answer for one request. */
export async function appResponse(url: string, uiDir: string): Promise<Response> {
  const file = resolveAppFile(url, uiDir);
  if (!file) return new Response('not found', { status: 404 });
  try {
    const body = await readFile(file);
    return new Response(body, {
      status: 200,
      headers: {
        'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
        'Content-Security-Policy': CONTENT_SECURITY_POLICY,
        'X-Content-Type-Options': 'nosniff',
      },
    });
  } catch {
    return new Response('not found', { status: 404 });
  }
}
