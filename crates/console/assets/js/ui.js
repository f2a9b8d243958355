// Small shared components: badges, alerts, tables, dates, loading.
import { html, useCallback, useEffect, useRef, useState } from '../vendor/standalone.module.js';
import { errorWords, stateWords, statusWords } from './words.js';

/** A state or status badge: `data-status` keeps the API's value, the text says it in words.
 * @param {{value: string, kind?: 'state' | 'status'}} props */
export function Badge({ value, kind = 'status' }) {
  const words = kind === 'state' ? stateWords(value) : statusWords(value);
  return html`<span class="badge" data-status=${value}>${words}</span>`;
}

/** @param {{error: unknown}} props */
export function ErrorAlert({ error }) {
  return error ? html`<div class="alert" role="alert">${errorWords(error)}</div>` : null;
}

/** An RFC 3339 timestamp in the reader's local time. @param {{at: string | null | undefined}} props */
export function When({ at }) {
  if (!at) return html`<span>—</span>`;
  const d = new Date(at);
  return html`<time datetime=${at}>${isNaN(d.getTime()) ? at : d.toLocaleString()}</time>`;
}

/** "—" for empty values. @param {unknown} v */
export const orDash = (v) => (v === null || v === undefined || v === '' ? '—' : String(v));

/**
 * @template T
 * @typedef {object} Loaded
 * @property {T | null} data
 * @property {unknown} error
 * @property {boolean} loading
 * @property {() => Promise<void>} reload loads again; settles when that load has ended
 */

/**
 * Loads `fetcher()` when `deps` change; `reload()` loads again.
 * @template T
 * @param {() => Promise<T>} fetcher
 * @param {unknown[]} deps
 * @returns {Loaded<T>}
 */
export function useLoad(fetcher, deps) {
  const [state, setState] = useState(
    /** @type {{data: T | null, error: unknown, loading: boolean}} */ ({ data: null, error: null, loading: true }),
  );
  const [tick, setTick] = useState(0);
  /** @type {{current: Array<() => void>}} */
  const waiting = useRef([]);
  useEffect(() => {
    let live = true;
    const settled = () => waiting.current.splice(0).forEach((resolve) => resolve());
    setState((s) => ({ ...s, loading: true }));
    fetcher().then(
      (data) => {
        if (live) setState({ data, error: null, loading: false });
        settled();
      },
      (error) => {
        if (live) setState({ data: null, error, loading: false });
        settled();
      },
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  const reload = useCallback(
    () =>
      new Promise((resolve) => {
        waiting.current.push(() => resolve(undefined));
        setTick((t) => t + 1);
      }),
    [],
  );
  return { ...state, reload };
}

/** Loading text, the error, or nothing. @param {{loaded: {error: unknown, loading: boolean, data: unknown}}} props */
export function LoadState({ loaded }) {
  if (loaded.error) return html`<${ErrorAlert} error=${loaded.error} />`;
  if (loaded.loading && loaded.data === null) return html`<p class="muted">Loading…</p>`;
  return null;
}

/**
 * A table with a caption-like heading row; `rows` already rendered.
 * @param {{label: string, head: string[], rows: unknown[], empty?: string}} props
 */
export function Table({ label, head, rows, empty = 'Nothing yet.' }) {
  if (rows.length === 0) return html`<p class="muted">${empty}</p>`;
  return html`<div class="table-wrap">
    <table aria-label=${label}>
      <thead>
        <tr>
          ${head.map((h) => html`<th scope="col">${h}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${rows}
      </tbody>
    </table>
  </div>`;
}

/**
 * Pages of a list endpoint: the items so far and `Next page` while there is a cursor.
 * @template T
 * @param {(cursor: string | null) => Promise<{items: T[], next_cursor: string | null}>} fetchPage
 * @param {unknown[]} deps
 */
export function usePages(fetchPage, deps) {
  const depKey = JSON.stringify(deps);
  const [at, setAt] = useState(/** @type {{key: string, cursor: string | null}} */ ({ key: depKey, cursor: null }));
  const cursor = at.key === depKey ? at.cursor : null;
  const loaded = useLoad(() => fetchPage(cursor), [depKey, cursor]);
  return {
    loaded,
    cursor,
    next: () => {
      const nextCursor = loaded.data?.next_cursor;
      if (nextCursor) setAt({ key: depKey, cursor: nextCursor });
    },
    first: () => setAt({ key: depKey, cursor: null }),
  };
}

/** `Next page` (and `First page`) buttons of a paged list.
 * @param {{pages: {cursor: string | null, next: () => void, first: () => void, loaded: {data: {next_cursor: string | null} | null}}}} props */
export function Pager({ pages }) {
  const more = pages.loaded.data?.next_cursor;
  return html`<div class="pager">
    ${pages.cursor !== null && html`<button type="button" onClick=${pages.first}>First page</button>`}
    ${more && html`<button type="button" onClick=${pages.next}>Next page</button>`}
  </div>`;
}
