// User actions that change something: one Idempotency-Key per click, reused
// when the same action is retried after a network error; one request at a
// time (a ref guards it, so a double click sends one request even before the
// button re-renders as disabled).
import { html, useRef, useState } from '../vendor/standalone.module.js';
import { ApiProblem, NetworkError } from './api.js';
import { errorWords } from './words.js';

/** A fresh idempotency key (a random UUID). @returns {string} */
export function newKey() {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * @typedef {object} Pending
 * @property {string} label what the user clicked, e.g. `Approve`
 * @property {string} key its Idempotency-Key
 * @property {(key: string) => Promise<any>} send sends the request with that key
 * @property {(value: any) => void | Promise<void>} [onSuccess] awaited before the next action may start
 * @property {(error: unknown) => string | void} [describe] words for a problem (default: errorWords)
 */

/**
 * @typedef {object} ActionState
 * @property {'idle' | 'running' | 'unknown' | 'failed'} phase
 * @property {string} [label]
 * @property {string} [message]
 */

/** Whether the same key may be sent again: still in flight, or a 5xx (stored nothing).
 * @param {unknown} error */
function retriable(error) {
  return (
    error instanceof ApiProblem &&
    (error.problem.code === 'idempotency_key_in_flight' || error.status >= 500)
  );
}

/** A hook running one action at a time. */
export function useAction() {
  const inFlight = useRef(false);
  /** @type {{current: Pending | null}} */
  const pending = useRef(null);
  const [state, setState] = useState(/** @type {ActionState} */ ({ phase: 'idle' }));

  async function send() {
    const action = pending.current;
    if (action === null || inFlight.current) return;
    inFlight.current = true;
    setState({ phase: 'running', label: action.label });
    try {
      const value = await action.send(action.key);
      pending.current = null;
      // The guard stays up until what the success shows has loaded, so a
      // second click of a double click cannot act on the stale page.
      await action.onSuccess?.(value);
      setState({ phase: 'idle' });
    } catch (error) {
      if (error instanceof NetworkError) {
        setState({ phase: 'unknown', label: action.label });
      } else if (retriable(error)) {
        setState({ phase: 'unknown', label: action.label, message: errorWords(error) });
      } else {
        pending.current = null;
        const message = action.describe?.(error) || errorWords(error);
        setState({ phase: 'failed', label: action.label, message });
      }
    } finally {
      inFlight.current = false;
    }
  }

  return {
    state,
    /** Whether a request is on its way. */
    busy: state.phase === 'running',
    /** Starts `label` with a fresh key (ignored while one runs).
     * @param {Omit<Pending, 'key'>} action */
    start(action) {
      if (inFlight.current) return;
      pending.current = { ...action, key: newKey() };
      void send();
    },
    /** Sends the pending action again, with the same key. */
    retry() {
      void send();
    },
    /** Forgets the outcome shown. */
    clear() {
      if (!inFlight.current) {
        pending.current = null;
        setState({ phase: 'idle' });
      }
    },
  };
}

/** What the last action did: an alert with Retry after a network error.
 * @param {{action: ReturnType<typeof useAction>}} props */
export function ActionStatus({ action }) {
  const { state } = action;
  if (state.phase === 'running') {
    return html`<p class="muted" role="status">${state.label}: sending…</p>`;
  }
  if (state.phase === 'unknown') {
    return html`<div class="alert" role="alert">
      <p>
        ${state.label}: ${state.message ?? 'the server could not be reached, so the outcome is unknown.'}
        Retry sends the same request with the same idempotency key: it cannot take effect twice.
      </p>
      <button type="button" onClick=${() => action.retry()}>Retry</button>
    </div>`;
  }
  if (state.phase === 'failed') {
    return html`<div class="alert" role="alert">${state.message}</div>`;
  }
  return null;
}
