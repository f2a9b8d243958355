// The back office: admin sign-in, navigation and the hash routes.
import { html, render, useEffect, useState } from '../../vendor/standalone.module.js';
import { call, onUnauthorized, setToken, tokenClaims } from '../api.js';
import { errorWords } from '../words.js';
import { navigate, useRoute } from '../router.js';
import { WithdrawalPage, WithdrawalQueue } from './withdrawals.js';
import { Deposits } from './deposits.js';
import { PlayerPage, Players } from './players.js';
import { PolicyPage } from './protection.js';
import { PspAccounts } from './psp-accounts.js';
import { Anomalies, Audit, Ledger } from './checks.js';
import { Reconciliation, ReconciliationRun } from './reconciliation.js';

/** @typedef {{email: string, role: string}} Session */

const SESSION_ENDED = 'Your session has ended; sign in again.';

/** @param {{onSignedIn: (s: Session) => void, notice: string}} props */
function Login({ onSignedIn, notice }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState(/** @type {unknown} */ (null));
  const [busy, setBusy] = useState(false);
  /** @param {Event} e */
  async function submit(e) {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      const issued = await call('POST', '/auth/admin/login', { body: { email, password } });
      setToken(issued.access_token);
      onSignedIn({ email, role: tokenClaims().role ?? 'unknown' });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return html`<main class="narrow">
    <h1>Kasa back office</h1>
    ${notice && html`<p class="notice" role="status">${notice}</p>`}
    <form onSubmit=${submit}>
      <label for="login-email">Email</label>
      <input id="login-email" type="email" autocomplete="username" required value=${email}
        onInput=${(/** @type {any} */ e) => setEmail(e.currentTarget.value)} />
      <label for="login-password">Password</label>
      <input id="login-password" type="password" autocomplete="current-password" required value=${password}
        onInput=${(/** @type {any} */ e) => setPassword(e.currentTarget.value)} />
      <button type="submit" disabled=${busy}>Sign in</button>
    </form>
    ${error && html`<div class="alert" role="alert">${errorWords(error)}</div>`}
    <p class="muted"><a href="/console/player/">Player pages</a></p>
  </main>`;
}

const LINKS = [
  ['Withdrawals', '#/withdrawals', 'withdrawals'],
  ['Deposits', '#/deposits', 'deposits'],
  ['Players', '#/players', 'players'],
  ['Policy', '#/policy', 'policy'],
  ['Provider accounts', '#/psp-accounts', 'psp-accounts'],
  ['Anomalies', '#/anomalies', 'anomalies'],
  ['Reconciliation', '#/reconciliation', 'reconciliation'],
  ['Audit', '#/audit', 'audit'],
  ['Ledger', '#/ledger', 'ledger'],
];

/** @param {{session: Session, section: string, onSignOut: () => void}} props */
function Header({ session, section, onSignOut }) {
  return html`<header class="top">
    <span class="brand">Kasa back office</span>
    <nav aria-label="Back office">
      ${LINKS.map(
        ([name, href, key]) =>
          html`<a href=${href} aria-current=${section === key ? 'page' : undefined}>${name}</a>`,
      )}
    </nav>
    <span class="who"><span data-testid="admin-email">${session.email}</span>
      <span class="role" data-testid="admin-role">${session.role}</span></span>
    <button type="button" onClick=${onSignOut}>Sign out</button>
  </header>`;
}

/** The page of the current route. @param {{session: Session, parts: string[], query: URLSearchParams}} props */
function Page({ session, parts, query }) {
  const [section = 'withdrawals', id] = parts;
  switch (section) {
    case 'withdrawals':
      return id
        ? html`<${WithdrawalPage} id=${id} role=${session.role} />`
        : html`<${WithdrawalQueue} state=${query.get('state') ?? ''} />`;
    case 'deposits':
      return html`<${Deposits} />`;
    case 'players':
      return id ? html`<${PlayerPage} id=${id} role=${session.role} />` : html`<${Players} />`;
    case 'psp-accounts':
      return html`<${PspAccounts} role=${session.role} />`;
    case 'policy':
      return html`<${PolicyPage} role=${session.role} />`;
    case 'anomalies':
      return html`<${Anomalies} />`;
    case 'reconciliation':
      return id
        ? html`<${ReconciliationRun} id=${id} />`
        : html`<${Reconciliation} role=${session.role} />`;
    case 'audit':
      return html`<${Audit} />`;
    case 'ledger':
      return html`<${Ledger} />`;
    default:
      return html`<div class="alert" role="alert">No such page.</div>`;
  }
}

function App() {
  const route = useRoute();
  const [session, setSession] = useState(/** @type {Session | null} */ (null));
  const [notice, setNotice] = useState('');
  useEffect(() => {
    onUnauthorized(() => {
      setSession(null);
      setNotice(SESSION_ENDED);
      navigate('#/login');
    });
  }, []);
  if (session === null) {
    return html`<${Login} notice=${notice} onSignedIn=${(/** @type {Session} */ s) => {
      setNotice('');
      setSession(s);
      if (route.parts.length === 0 || route.parts[0] === 'login') navigate('#/withdrawals');
    }} />`;
  }
  const parts = route.parts[0] === 'login' ? [] : route.parts;
  const signOut = () => {
    setToken(null);
    setSession(null);
    setNotice('You are signed out.');
    navigate('#/login');
  };
  return html`<div class="page"><${Header} session=${session} section=${parts[0] ?? 'withdrawals'} onSignOut=${signOut} />
    <main><${Page} session=${session} parts=${parts} query=${route.query} /></main></div>`;
}

const root = document.getElementById('app');
if (root) render(html`<${App} />`, root);
