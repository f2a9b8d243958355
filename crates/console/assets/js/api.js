// The console's HTTP client: same-origin `/api/v1`, the bearer token of the
// signed-in user (kept in this module's memory only: a reload signs out),
// problem+json parsed into ApiProblem, a failed fetch into NetworkError.

/** @typedef {import('../types/kasa-api').components['schemas']['Problem']} Problem */

/** Base path of the API. */
export const API_BASE = '/api/v1';

/** @type {string | null} */
let token = null;
/** @type {() => void} */
let onSessionEnded = () => {};

/** @param {string | null} value the access token, or null to sign out */
export function setToken(value) {
  token = value;
}

/** @returns {boolean} whether someone is signed in */
export function signedIn() {
  return token !== null;
}

/** @param {() => void} handler called when a call answers 401 with a token */
export function onUnauthorized(handler) {
  onSessionEnded = handler;
}

/** The token's payload (for display and gating only; the server decides).
 * @returns {{sub?: string, role?: string, tenant?: string, exp?: number}} */
export function tokenClaims() {
  if (token === null) return {};
  const part = token.split('.')[1] ?? '';
  try {
    const json = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
    return JSON.parse(json);
  } catch {
    return {};
  }
}

/** A problem+json answer (any 4xx/5xx). */
export class ApiProblem extends Error {
  /** @param {number} status @param {Problem} problem */
  constructor(status, problem) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
    /** HTTP status. */
    this.status = status;
    /** The problem document. */
    this.problem = problem;
  }
}

/** The request may or may not have reached the server: its outcome is unknown. */
export class NetworkError extends Error {}

/**
 * @typedef {object} CallOptions
 * @property {unknown} [body] JSON body
 * @property {string} [key] Idempotency-Key
 * @property {Record<string, string | null | undefined>} [query] query parameters (empty ones left out)
 */

/**
 * Calls the API and returns the parsed JSON answer.
 * @param {'GET' | 'POST' | 'PUT' | 'DELETE'} method
 * @param {string} path path under /api/v1, e.g. `/me/wallet`
 * @param {CallOptions} [options]
 * @returns {Promise<any>}
 */
export async function call(method, path, options = {}) {
  /** @type {Record<string, string>} */
  const headers = { accept: 'application/json' };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (options.key !== undefined) headers['idempotency-key'] = options.key;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(options.query ?? {})) {
    if (value !== null && value !== undefined && value !== '') search.set(name, value);
  }
  const qs = search.toString();
  const hadToken = token !== null;
  /** @type {Response} */
  let res;
  try {
    res = await fetch(API_BASE + path + (qs ? `?${qs}` : ''), {
      method,
      headers,
      body: options.body === undefined ? null : JSON.stringify(options.body),
    });
  } catch (e) {
    throw new NetworkError(e instanceof Error ? e.message : String(e));
  }
  /** @type {any} */
  let json = null;
  const text = await res.text().catch(() => '');
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
  }
  if (res.ok) return json;
  /** @type {Problem} */
  const problem =
    json && typeof json.code === 'string'
      ? json
      : { type: 'about:blank', title: res.statusText, status: res.status, code: 'internal', detail: '' };
  if (res.status === 401 && hadToken) {
    token = null;
    onSessionEnded();
  }
  throw new ApiProblem(res.status, problem);
}

/** @param {string} path @param {CallOptions['query']} [query] */
export const get = (path, query) => call('GET', path, { query });
