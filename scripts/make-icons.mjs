#!/usr/bin/env node
// Draws the app's icons from SVG with Debian's Chromium (playwright-core) and writes them to
// assets/: the app icon (icon.png 1024 px, icons/NxN.png for Linux, icon.ico for Windows,
// icon.icns for macOS, both holding PNG images) and the tray icons per state (running, attention,
// paused, stopped, error) at 16 and 32 px (@2x), plus black-on-transparent macOS template images.
// Run it after changing a drawing: `node scripts/make-icons.mjs`; the PNGs are committed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const root = new URL('..', import.meta.url).pathname;
const assets = join(root, 'assets');
mkdirSync(join(assets, 'icons'), { recursive: true });
mkdirSync(join(assets, 'tray'), { recursive: true });

const APP = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1024 1024">
  <defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#3b74f0"/><stop offset="1" stop-color="#1d4bbd"/></linearGradient></defs>
  <rect x="64" y="64" width="896" height="896" rx="200" fill="url(#g)"/>
  <path d="M512 190 L790 400 L790 760 Q790 800 750 800 L274 800 Q234 800 234 760 L234 400 Z" fill="#ffffff"/>
  <path d="M234 412 L512 610 L790 412" fill="none" stroke="#1d4bbd" stroke-width="44" stroke-linejoin="round" stroke-linecap="round"/>
  <path d="M234 780 L440 560 M790 780 L584 560" fill="none" stroke="#c9d8fb" stroke-width="30" stroke-linecap="round"/>
</svg>`;

// Tray glyph on a 32-unit grid: an envelope, and a badge in the lower right for the state.
const envelope = (fill, stroke) =>
  `<rect x="2" y="7" width="24" height="17" rx="3" fill="${fill}" stroke="${stroke}" stroke-width="2.2"/><path d="M3.5 9 L14 17 L24.5 9" fill="none" stroke="${stroke}" stroke-width="2.2" stroke-linejoin="round"/>`;
const badges = {
  running: () => '<circle cx="25" cy="25" r="6.5" fill="#16a34a" stroke="#ffffff" stroke-width="1.5"/>',
  attention: () =>
    '<path d="M25 17 L32 31 L18 31 Z" fill="#f59e0b" stroke="#ffffff" stroke-width="1.2" stroke-linejoin="round"/><rect x="24" y="21.5" width="2" height="5" fill="#1f2937"/><rect x="24" y="27.6" width="2" height="2" fill="#1f2937"/>',
  paused: () => '<circle cx="25" cy="25" r="6.5" fill="#64748b" stroke="#ffffff" stroke-width="1.5"/><rect x="22" y="21.5" width="2.2" height="7" fill="#fff"/><rect x="25.8" y="21.5" width="2.2" height="7" fill="#fff"/>',
  stopped: () => '<circle cx="25" cy="25" r="5.5" fill="#ffffff" stroke="#64748b" stroke-width="2.2"/>',
  error: () => '<circle cx="25" cy="25" r="6.5" fill="#dc2626" stroke="#ffffff" stroke-width="1.5"/><path d="M22.3 22.3 L27.7 27.7 M27.7 22.3 L22.3 27.7" stroke="#fff" stroke-width="2"/>',
};
// macOS template badges: black only, told apart by shape (dot, triangle with a cut-out mark,
// two bars, a ring, a cross).
const templateBadges = {
  running: '<circle cx="25" cy="25" r="5.5" fill="#000"/>',
  attention:
    '<defs><mask id="a"><rect width="32" height="32" fill="#fff"/><rect x="24" y="21.5" width="2" height="5" fill="#000"/><rect x="24" y="27.6" width="2" height="2" fill="#000"/></mask></defs><path d="M25 17 L32 31 L18 31 Z" fill="#000" mask="url(#a)"/>',
  paused: '<rect x="20.5" y="19" width="3.2" height="12" fill="#000"/><rect x="26.3" y="19" width="3.2" height="12" fill="#000"/>',
  stopped: '<circle cx="25" cy="25" r="5" fill="none" stroke="#000" stroke-width="2.4"/>',
  error: '<path d="M20 20 L30 30 M30 20 L20 30" stroke="#000" stroke-width="3" stroke-linecap="round"/>',
};
const traySvg = (state, template) => {
  const body = template ? envelope('none', '#000000') : envelope(state === 'stopped' ? '#e5e7eb' : '#ffffff', '#1f2937');
  const badge = template ? templateBadges[state] : badges[state]();
  // The badge cuts a gap into the envelope so both read at 16 px.
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><defs><mask id="m"><rect width="32" height="32" fill="#fff"/><circle cx="25" cy="25" r="8.5" fill="#000"/></mask></defs><g mask="url(#m)">${body}</g>${badge}</svg>`;
};

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const page = await browser.newPage({ deviceScaleFactor: 1 });
async function render(svg, size) {
  await page.setViewportSize({ width: size, height: size });
  await page.setContent(`<html><body style="margin:0;background:transparent">${svg.replace('<svg ', `<svg width="${size}" height="${size}" `)}</body></html>`);
  return page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
}

const appPngs = new Map();
for (const size of [16, 24, 32, 48, 64, 128, 256, 512, 1024]) appPngs.set(size, await render(APP, size));
writeFileSync(join(assets, 'icon.png'), appPngs.get(1024));
for (const size of [16, 32, 48, 64, 128, 256, 512]) writeFileSync(join(assets, 'icons', `${size}x${size}.png`), appPngs.get(size));
writeFileSync(join(assets, 'icon.ico'), ico([16, 24, 32, 48, 64, 128, 256].map((s) => [s, appPngs.get(s)])));
writeFileSync(
  join(assets, 'icon.icns'),
  icns([
    ['ic11', appPngs.get(32)],
    ['ic12', appPngs.get(64)],
    ['ic07', appPngs.get(128)],
    ['ic08', appPngs.get(256)],
    ['ic13', appPngs.get(256)],
    ['ic09', appPngs.get(512)],
    ['ic14', appPngs.get(1024)],
    ['ic10', appPngs.get(1024)],
  ]),
);
for (const state of Object.keys(badges)) {
  for (const template of [false, true]) {
    const name = template ? `${state}Template` : state;
    writeFileSync(join(assets, 'tray', `${name}.png`), await render(traySvg(state, template), 16));
    writeFileSync(join(assets, 'tray', `${name}@2x.png`), await render(traySvg(state, template), 32));
  }
}
await browser.close();
console.log('icons written to assets/');

/** ICO with PNG images (Windows Vista and later read PNG entries). */
function ico(images) {
  const header = Buffer.alloc(6 + 16 * images.length);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(images.length, 4);
  let offset = header.length;
  images.forEach(([size, png], i) => {
    const e = 6 + 16 * i;
    header.writeUInt8(size >= 256 ? 0 : size, e);
    header.writeUInt8(size >= 256 ? 0 : size, e + 1);
    header.writeUInt16LE(1, e + 4);
    header.writeUInt16LE(32, e + 6);
    header.writeUInt32LE(png.length, e + 8);
    header.writeUInt32LE(offset, e + 12);
    offset += png.length;
  });
  return Buffer.concat([header, ...images.map(([, png]) => png)]);
}

/** ICNS with PNG entries (ic07-ic14). */
function icns(entries) {
  const parts = entries.map(([type, png]) => {
    const head = Buffer.alloc(8);
    head.write(type, 0, 'ascii');
    head.writeUInt32BE(png.length + 8, 4);
    return Buffer.concat([head, png]);
  });
  const body = Buffer.concat(parts);
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'ascii');
  head.writeUInt32BE(body.length + 8, 4);
  return Buffer.concat([head, body]);
}
