// Messages per hour as grouped bars (received, sent; rejected as a thin mark), drawn in SVG with
// the theme's colours; the numbers are also in a table for screen readers.
import { useEffect, useRef, useState } from 'react';
import type { HourlyPoint } from '../../src-mailserver/admin/contract.js';

const H = 190;
const PAD = { top: 12, right: 8, bottom: 24, left: 34 };

export function HourlyChart({ points }: { points: HourlyPoint[] }) {
  // Drawn at the width it gets, so bars and labels keep their size on any screen.
  const box = useRef<HTMLElement>(null);
  const [W, setW] = useState(720);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setW(Math.max(320, Math.round(el.clientWidth))));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  const max = Math.max(1, ...points.map((p) => Math.max(p.received, p.sent, p.rejected)));
  // Gridlines at 0, half and the top, all whole numbers (a line at 2.5 labelled "3" misleads).
  const half = Math.max(2, niceStep(max / 2));
  const scaleMax = half * 2;
  const innerW = W - PAD.left - PAD.right;
  const innerH = H - PAD.top - PAD.bottom;
  const slot = innerW / Math.max(1, points.length);
  const barW = Math.max(2, Math.min(18, slot / 2 - 2));
  const y = (v: number) => PAD.top + innerH - (v / scaleMax) * innerH;
  const ticks = [0, half, scaleMax];
  const labelEvery = points.length > 24 ? 6 : 3;
  const total = points.reduce((a, p) => ({ received: a.received + p.received, sent: a.sent + p.sent }), { received: 0, sent: 0 });

  return (
    <figure className="chart" ref={box}>
      <svg viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" aria-label={`Messages per hour over the last ${points.length} hours: ${total.received} received, ${total.sent} sent`}>
        {ticks.map((t) => (
          <g key={t}>
            <line className="grid" x1={PAD.left} x2={W - PAD.right} y1={y(t)} y2={y(t)} />
            <text className="axis" x={PAD.left - 6} y={y(t) + 4} textAnchor="end">
              {t}
            </text>
          </g>
        ))}
        {points.map((p, i) => {
          const x = PAD.left + i * slot + (slot - barW * 2 - 1) / 2;
          return (
            <g key={p.hour}>
              <title>{`${hourLabel(p.hour)}: ${p.received} received, ${p.sent} sent, ${p.rejected} rejected`}</title>
              <rect className="bar received" x={x} y={y(p.received)} width={barW} height={innerH + PAD.top - y(p.received)} />
              <rect className="bar sent" x={x + barW + 1} y={y(p.sent)} width={barW} height={innerH + PAD.top - y(p.sent)} />
              {p.rejected > 0 && <rect className="bar rejected" x={x} y={y(p.rejected) - 1} width={barW * 2 + 1} height={2} />}
              {i % labelEvery === 0 && (
                <text className="axis" x={x + barW} y={H - 6} textAnchor="middle">
                  {hourLabel(p.hour)}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <figcaption className="legend">
        <span className="key received" /> Received <span className="key sent" /> Sent <span className="key rejected" /> Rejected
      </figcaption>
      <table className="visually-hidden">
        <caption>Messages per hour</caption>
        <thead>
          <tr>
            <th>Hour</th>
            <th>Received</th>
            <th>Sent</th>
            <th>Rejected</th>
          </tr>
        </thead>
        <tbody>
          {points.map((p) => (
            <tr key={p.hour}>
              <td>{hourLabel(p.hour)}</td>
              <td>{p.received}</td>
              <td>{p.sent}</td>
              <td>{p.rejected}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

function hourLabel(ms: number): string {
  return `${String(new Date(ms).getHours()).padStart(2, '0')}:00`;
}

/** The smallest of 1, 2, 5, 10, 20, 50 ... that is at least v. */
function niceStep(v: number): number {
  const pow = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (m * pow >= v) return m * pow;
  return 10 * pow;
}
