// The live log: a virtualised table of every line the server logs (time, level, component,
// message, ids), filters by level, component, text (`ip:`, `domain:`, `id:` ...) and id, the
// tail that follows new lines until the user scrolls up or pauses, details of one line with its
// ids as filters (a queue id also links to the queue), and export of what the filter shows.
import { useEffect, useMemo, useRef } from 'react';
import type { LogLevelName, LogLine } from '../../src-mailserver/admin/contract.js';
import { routeHref } from '../app/router.js';
import { useLogs, useRouter, useStores } from '../app/stores.js';
import { downloadText } from '../components/CopyButton.js';
import { PageHeader } from '../components/Card.js';
import { VirtualList } from '../components/VirtualList.js';
import { formatDateTime, formatTime } from '../format.js';
import { fieldText, ID_FIELDS } from '../stores/log-filter.js';

const ROW = 26;
const LEVELS: LogLevelName[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];
/** Fields shown first on a row; every other field follows. */
const FIRST_FIELDS = ['cid', 'queueId', 'msgid', 'user', 'remote', 'from', 'to', 'result', 'reason'];

export function Logs() {
  const { logs } = useStores();
  const visible = useLogs((s) => s.visible);
  const total = useLogs((s) => s.lines.length);
  const filter = useLogs((s) => s.filter);
  const paused = useLogs((s) => s.paused);
  const newWhilePaused = useLogs((s) => s.newWhilePaused);
  const selectedSeq = useLogs((s) => s.selectedSeq);
  const loaded = useLogs((s) => s.loaded);
  const error = useLogs((s) => s.error);
  const route = useRouter((s) => s.route);
  const textInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (!loaded) void logs.getState().load();
  }, [loaded, logs]);
  useEffect(() => {
    if (route?.arg) logs.getState().setFilter({ id: route.arg });
  }, [route?.arg, logs]);

  const components = useMemo(() => {
    const set = new Set<string>();
    for (const l of logs.getState().lines) set.add(l.component);
    return [...set].sort();
  }, [total, logs]);

  const selectedIndex = selectedSeq === null ? null : visible.findIndex((l) => l.seq === selectedSeq);
  const selected = selectedIndex !== null && selectedIndex >= 0 ? visible[selectedIndex]! : null;
  const state = logs.getState();

  return (
    <div className="screen logs">
      <PageHeader
        title="Logs"
        subtitle={`${visible.length.toLocaleString()} of ${total.toLocaleString()} lines${paused ? ' · paused' : ' · live'}`}
        actions={
          <>
            <button type="button" className="button" onClick={() => downloadText(`homemail-log-${stamp()}.log`, state.exportText('text'))}>
              Export .log
            </button>
            <button type="button" className="button" onClick={() => downloadText(`homemail-log-${stamp()}.jsonl`, state.exportText('jsonl'), 'application/x-ndjson')}>
              Export .jsonl
            </button>
          </>
        }
      />
      <div className="toolbar" role="search">
        <label>
          Level{' '}
          <select value={filter.level ?? ''} onChange={(e) => state.setFilter({ level: (e.target.value || undefined) as LogLevelName | undefined })}>
            <option value="">all</option>
            {LEVELS.map((l) => (
              <option key={l} value={l}>
                {l} and above
              </option>
            ))}
          </select>
        </label>
        <label>
          Component{' '}
          <select value={filter.component ?? ''} onChange={(e) => state.setFilter({ component: e.target.value || undefined })}>
            <option value="">all</option>
            {components.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
        <label className="grow">
          <span className="visually-hidden">Search</span>
          <input
            ref={textInput}
            type="search"
            placeholder="Search text, or ip:1.2.3.4  domain:example.org  id:…"
            value={filter.text ?? ''}
            onChange={(e) => state.setFilter({ text: e.target.value })}
            aria-label="Search the log"
          />
        </label>
        {filter.id && (
          <span className="chip">
            id {filter.id}
            <button type="button" className="icon-button" aria-label="Remove the id filter" onClick={() => state.setFilter({ id: undefined })}>
              ×
            </button>
          </span>
        )}
        <button type="button" className={`button ${paused ? 'primary' : ''}`} onClick={() => (paused ? state.resume() : state.pause())} aria-pressed={paused}>
          {paused ? `Resume${newWhilePaused ? ` (${newWhilePaused} new)` : ''}` : 'Pause'}
        </button>
      </div>
      {error && <p className="error-note">{error}</p>}
      <div className={`log-body${selected ? ' with-detail' : ''}`}>
        <div className="log-table">
          <div className="log-head" role="presentation">
            <span className="c-time">Time</span>
            <span className="c-level">Level</span>
            <span className="c-component">Component</span>
            <span className="c-msg">Message</span>
          </div>
          <VirtualList
            items={visible}
            rowHeight={ROW}
            rowKey={(l) => l.seq}
            label="Log lines"
            follow={!paused}
            onScrollAway={() => state.pause()}
            onReachEnd={() => state.resume()}
            selectedIndex={selectedIndex !== null && selectedIndex >= 0 ? selectedIndex : null}
            onSelect={(i) => state.select(visible[i]?.seq ?? null)}
            renderRow={(l) => <LogRow line={l} />}
          />
        </div>
        {selected && <LogDetail line={selected} onClose={() => state.select(null)} onFilterId={(id) => state.setFilter({ id })} />}
      </div>
    </div>
  );
}

function LogRow({ line }: { line: LogLine }) {
  const names = Object.keys(line.fields).sort((a, b) => rank(a) - rank(b));
  const extras = names
    .map((f) => `${f}=${fieldText(line.fields[f])}`)
    .join('  ')
    .slice(0, 400);
  return (
    <>
      <span className="c-time" role="gridcell">
        {formatTime(line.time)}
      </span>
      <span className={`c-level level ${line.level}`} role="gridcell">
        {line.level}
      </span>
      <span className="c-component" role="gridcell">
        {line.component}
      </span>
      <span className="c-msg" role="gridcell">
        {line.msg}
        {extras && <span className="fields"> {extras}</span>}
      </span>
    </>
  );
}

function LogDetail({ line, onClose, onFilterId }: { line: LogLine; onClose(): void; onFilterId(id: string): void }) {
  return (
    <aside className="log-detail" aria-label="Log line details">
      <header>
        <h2>
          <span className={`level ${line.level}`}>{line.level}</span> {line.msg}
        </h2>
        <button type="button" className="icon-button" aria-label="Close the details" onClick={onClose}>
          ×
        </button>
      </header>
      <dl>
        <dt>Time</dt>
        <dd>{formatDateTime(line.time)}</dd>
        <dt>Component</dt>
        <dd>{line.component}</dd>
        {Object.entries(line.fields).map(([k, v]) => (
          <FieldRow key={k} name={k} value={v} onFilterId={onFilterId} />
        ))}
      </dl>
    </aside>
  );
}

function FieldRow({ name, value, onFilterId }: { name: string; value: unknown; onFilterId(id: string): void }) {
  const text = fieldText(value);
  const isId = ID_FIELDS.includes(name) && typeof value === 'string';
  return (
    <>
      <dt>{name}</dt>
      <dd>
        {isId ? (
          <>
            <button type="button" className="link-button" onClick={() => onFilterId(text)} title="Show every line with this id">
              {text}
            </button>
            {name === 'queueId' && (
              <>
                {' · '}
                <a href={routeHref('queue', text)}>in the queue</a>
              </>
            )}
          </>
        ) : (
          <code>{text}</code>
        )}
      </dd>
    </>
  );
}

function rank(field: string): number {
  const i = FIRST_FIELDS.indexOf(field);
  return i === -1 ? FIRST_FIELDS.length : i;
}

function stamp(): string {
  return new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
}
