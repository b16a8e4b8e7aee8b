// A list that renders only the rows in view (plus a few), so tens of thousands of log lines
// scroll smoothly. Rows have a fixed height. With `follow`, it stays at the end as rows arrive;
// scrolling away from the end calls `onScrollAway` (the log view pauses), reaching the end again
// calls `onReachEnd`. Arrow keys, Page Up/Down, Home and End move the selection.
import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';

const OVERSCAN = 12;

export interface VirtualListProps<T> {
  items: T[];
  rowHeight: number;
  renderRow(item: T, index: number, selected: boolean): ReactNode;
  rowKey(item: T): string | number;
  follow: boolean;
  onScrollAway?(): void;
  onReachEnd?(): void;
  selectedIndex: number | null;
  onSelect?(index: number): void;
  label: string;
  className?: string;
}

export function VirtualList<T>(props: VirtualListProps<T>) {
  const { items, rowHeight, follow, selectedIndex } = props;
  const box = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(400);
  // Where the list itself last scrolled to (following the end): scroll events there are not the user's.
  const programmaticTop = useRef<number | null>(null);
  const total = items.length * rowHeight;

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setHeight(el.clientHeight));
    observer.observe(el);
    setHeight(el.clientHeight);
    return () => observer.disconnect();
  }, []);

  useLayoutEffect(() => {
    const el = box.current;
    if (!el || !follow) return;
    const target = Math.max(0, total - el.clientHeight);
    if (Math.abs(el.scrollTop - target) > 1) {
      el.scrollTop = target;
      programmaticTop.current = el.scrollTop;
      setScrollTop(el.scrollTop);
    }
  }, [follow, total]);

  const onScroll = () => {
    const el = box.current;
    if (!el) return;
    setScrollTop(el.scrollTop);
    if (programmaticTop.current !== null && Math.abs(el.scrollTop - programmaticTop.current) < 2) return;
    programmaticTop.current = null;
    const atEnd = el.scrollTop + el.clientHeight >= el.scrollHeight - 2 * rowHeight;
    if (atEnd) props.onReachEnd?.();
    else props.onScrollAway?.();
  };

  const scrollIntoView = (index: number) => {
    const el = box.current;
    if (!el) return;
    const top = index * rowHeight;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + rowHeight > el.scrollTop + el.clientHeight) el.scrollTop = top + rowHeight - el.clientHeight;
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (items.length === 0 || !props.onSelect) return;
    const page = Math.max(1, Math.floor(height / rowHeight) - 1);
    const current = selectedIndex ?? Math.min(items.length - 1, Math.floor((scrollTop + height) / rowHeight) - 1);
    const moves: Record<string, number> = {
      ArrowDown: current + 1,
      ArrowUp: current - 1,
      PageDown: current + page,
      PageUp: current - page,
      Home: 0,
      End: items.length - 1,
    };
    if (!(e.key in moves)) return;
    e.preventDefault();
    const next = Math.max(0, Math.min(items.length - 1, moves[e.key]!));
    props.onSelect(next);
    scrollIntoView(next);
  };

  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - OVERSCAN);
  const last = Math.min(items.length, Math.ceil((scrollTop + height) / rowHeight) + OVERSCAN);
  const rows: ReactNode[] = [];
  for (let i = first; i < last; i++) {
    const item = items[i]!;
    rows.push(
      <div
        key={props.rowKey(item)}
        className={`vrow${i === selectedIndex ? ' selected' : ''}`}
        role="row"
        aria-rowindex={i + 1}
        aria-selected={i === selectedIndex}
        style={{ transform: `translateY(${i * rowHeight}px)`, height: rowHeight }}
        onClick={() => props.onSelect?.(i)}
      >
        {props.renderRow(item, i, i === selectedIndex)}
      </div>,
    );
  }

  return (
    <div
      ref={box}
      className={`vlist ${props.className ?? ''}`}
      role="grid"
      aria-label={props.label}
      aria-rowcount={items.length}
      tabIndex={0}
      onScroll={onScroll}
      onKeyDown={onKeyDown}
    >
      <div className="vlist-spacer" style={{ height: total }}>
        {rows}
      </div>
    </div>
  );
}
