// Results of a bench run: per workload the rounds of both stacks, their medians and the ratio
// (above 1 = we are better: ours/classic for rates, classic/ours for times and memory). Written
// as docs/benchmarks.json and as the generated results section of docs/benchmarks.md (between
// markers; the hand-written findings around it are kept).
import { readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { cpus, totalmem, release } from 'node:os';

export type Better = 'higher' | 'lower';

export interface WorkloadResult {
  name: string;
  description: string;
  unit: string;
  better: Better;
  ours: number;
  classic: number;
  ratio: number;
  /** Target ratio from the issue, when there is one. */
  target?: string;
  rounds: { ours: number[]; classic: number[] };
  /** Extra figures (e.g. PSS next to RSS). */
  notes?: string;
}

export interface RunInfo {
  date: string;
  command: string;
  machine: { cpus: string; cores: number; memoryGb: number; kernel: string; os: string; node: string; postfix: string; dovecot: string };
  loadBefore: number[];
  loadAfter: number[];
  rounds: number;
  quick: boolean;
  durationSeconds: number;
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function result(
  name: string,
  description: string,
  unit: string,
  better: Better,
  rounds: { ours: number[]; classic: number[] },
  extra: { target?: string; notes?: string } = {},
): WorkloadResult {
  const ours = median(rounds.ours);
  const classic = median(rounds.classic);
  const ratio = better === 'higher' ? ours / classic : classic / ours;
  return { name, description, unit, better, ours, classic, ratio, rounds, ...extra };
}

/** PRETTY_NAME from /etc/os-release, with Debian's point release when there is one. */
function osName(): string {
  const read = (path: string) => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return '';
    }
  };
  const pretty = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(read('/etc/os-release'))?.[1] ?? 'unknown OS';
  const debian = read('/etc/debian_version').trim();
  return debian ? `${pretty} (${debian})` : pretty;
}

export function machineInfo(postfix: string, dovecot: string): RunInfo['machine'] {
  const cpu = cpus();
  return {
    cpus: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    memoryGb: Math.round(totalmem() / 1024 ** 3),
    kernel: release(),
    os: osName(),
    node: process.version,
    postfix,
    dovecot,
  };
}

function fmt(n: number): string {
  if (!Number.isFinite(n)) return 'n/a';
  if (Math.abs(n) >= 100) return n.toFixed(0);
  if (Math.abs(n) >= 10) return n.toFixed(1);
  return n.toFixed(2);
}

export function table(results: WorkloadResult[]): string {
  const rows = [
    ['workload', 'unit', 'ours', 'classic', 'ratio', 'target'],
    ...results.map((r) => [r.name, r.unit, fmt(r.ours), fmt(r.classic), fmt(r.ratio), r.target ?? '']),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ')).join('\n');
}

function markdown(info: RunInfo, results: WorkloadResult[]): string {
  const m = info.machine;
  const lines = [
    `Run of ${info.date} (${info.quick ? 'quick subset, ' : ''}${info.rounds} rounds, ${Math.round(info.durationSeconds / 60)} min):`,
    '',
    `- Command: \`${info.command}\``,
    `- Machine: ${m.cores} × ${m.cpus}, ${m.memoryGb} GB RAM, ${m.os} (kernel ${m.kernel}), Node ${m.node}`,
    `- Classic stack: Postfix ${m.postfix}, Dovecot ${m.dovecot}`,
    `- Load average (1/5/15 min) before: ${info.loadBefore.map((l) => l.toFixed(2)).join(' / ')}; after: ${info.loadAfter.map((l) => l.toFixed(2)).join(' / ')}`,
    '',
    '| Workload | Unit | Ours | Classic | Ratio | Target | Rounds (ours / classic) |',
    '|---|---|---:|---:|---:|---|---|',
    ...results.map(
      (r) =>
        `| ${r.description} | ${r.unit} | ${fmt(r.ours)} | ${fmt(r.classic)} | **${fmt(r.ratio)}** | ${r.target ?? ''} | ${r.rounds.ours.map(fmt).join(', ')} / ${r.rounds.classic.map(fmt).join(', ')} |`,
    ),
    '',
    'Ratio above 1 means we are better (ours/classic for rates; classic/ours for times and memory).',
  ];
  const notes = results.filter((r) => r.notes);
  if (notes.length > 0) lines.push('', ...notes.map((r) => `- ${r.description}: ${r.notes}`));
  return lines.join('\n');
}

const BEGIN = '<!-- bench-results:begin (written by npm run bench) -->';
const END = '<!-- bench-results:end -->';

export async function writeReport(jsonPath: string, mdPath: string, info: RunInfo, results: WorkloadResult[]): Promise<void> {
  const json = {
    ...info,
    workloads: Object.fromEntries(
      results.map((r) => [
        r.name,
        { description: r.description, unit: r.unit, better: r.better, ours: r.ours, classic: r.classic, ratio: r.ratio, target: r.target, rounds: r.rounds, notes: r.notes },
      ]),
    ),
  };
  await mkdir(dirname(jsonPath), { recursive: true });
  await mkdir(dirname(mdPath), { recursive: true });
  await writeFile(jsonPath, JSON.stringify(json, null, 2) + '\n');
  let md = await readFile(mdPath, 'utf8').catch(() => `# Benchmarks\n\n## Latest results\n\n${BEGIN}\n${END}\n`);
  if (!md.includes(BEGIN)) md += `\n## Latest results\n\n${BEGIN}\n${END}\n`;
  const start = md.indexOf(BEGIN) + BEGIN.length;
  const end = md.indexOf(END);
  md = md.slice(0, start) + '\n' + markdown(info, results) + '\n' + md.slice(end);
  await writeFile(mdPath, md);
}
