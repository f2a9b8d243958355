// The player pages: sign-in, registration, navigation and the hash routes.
import { html, render, useEffect, useState } from '../../vendor/standalone.module.js';
import { call, onUnauthorized, setToken } from '../api.js';
import { errorWords } from '../words.js';
import { navigate, useRoute } from '../router.js';
import { Wallet } from './wallet.js';
import { DepositPage } from './deposit.js';
import { MyWithdrawal, MyWithdrawals, WithdrawPage } from './withdrawals.js';
import { BreaksPage, LimitsPage } from './protection.js';

/** @typedef {import('../../types/kasa-api').components['schemas']['Currency']} Currency */

const SESSION_ENDED = 'Your session has ended; sign in again.';
/** @type {Currency[]} */
const CURRENCIES = ['EUR', 'USD', 'GBP', 'TRY', 'JPY', 'BHD', 'KWD'];

/** A labelled input. @param {{id: string, label: string, value: string, set: (v: string) => void, type?: string, auto?: string}} props */
function Field({ id, label, value, set, type = 'text', auto }) {
  return html`<label for=${id}>${label}</label>
    <input id=${id} type=${type} required autocomplete=${auto} value=${value}
      onInput=${(/** @type {any} */ e) => set(e.currentTarget.value)} />`;
}

/** Sign-in and registration. @param {{register: boolean, notice: string, onSignedIn: (email: string) => void}} props */
function Auth({ register, notice, onSignedIn }) {
  const [tenant, setTenant] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [currency, setCurrency] = useState(/** @type {Currency} */ ('EUR'));
  const [error, setError] = useState(/** @type {unknown} */ (null));
  const [busy, setBusy] = useState(false);
  /** @param {Event} e */
  async function submit(e) {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      if (register) {
        await call('POST', '/auth/player/register', { body: { tenant, email, password, currency } });
      }
      const issued = await call('POST', '/auth/player/login', { body: { tenant, email, password } });
      setToken(issued.access_token);
      onSignedIn(email);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  const p = register ? 'register' : 'login';
  return html`<main class="narrow">
    <h1>${register ? 'Create an account' : 'Sign in'}</h1>
    ${notice && html`<p class="notice" role="status">${notice}</p>`}
    <form onSubmit=${submit}>
      <${Field} id=${`${p}-tenant`} label="Tenant" value=${tenant} set=${setTenant} auto="organization" />
      <${Field} id=${`${p}-email`} label="Email" type="email" value=${email} set=${setEmail} auto="username" />
      <${Field} id=${`${p}-password`} label="Password" type="password" value=${password} set=${setPassword}
        auto=${register ? 'new-password' : 'current-password'} />
      ${register &&
      html`<label for="register-currency">Currency</label>
        <select id="register-currency" value=${currency}
          onChange=${(/** @type {any} */ e) => setCurrency(e.currentTarget.value)}>
          ${CURRENCIES.map((c) => html`<option value=${c}>${c}</option>`)}
        </select>`}
      <button type="submit" disabled=${busy}>${register ? 'Create account' : 'Sign in'}</button>
    </form>
    ${error && html`<div class="alert" role="alert">${errorWords(error)}</div>`}
    <p>
      ${register
        ? html`<a href="#/login">I have an account: sign in</a>`
        : html`<a href="#/register">Create an account</a>`}
    </p>
  </main>`;
}

/** @param {{email: string, section: string, onSignOut: () => void}} props */
function Header({ email, section, onSignOut }) {
  const links = [
    ['Wallet', '#/wallet', 'wallet'],
    ['Deposit', '#/deposit', 'deposit'],
    ['Withdraw', '#/withdraw', 'withdraw'],
    ['My withdrawals', '#/withdrawals', 'withdrawals'],
    ['Limits', '#/limits', 'limits'],
    ['Take a break', '#/breaks', 'breaks'],
  ];
  return html`<header class="top">
    <span class="brand">Kasa</span>
    <nav aria-label="Player">
      ${links.map(
        ([name, href, key]) => html`<a href=${href} aria-current=${section === key ? 'page' : undefined}>${name}</a>`,
      )}
    </nav>
    <span class="who">${email}</span>
    <button type="button" onClick=${onSignOut}>Sign out</button>
  </header>`;
}

/** @param {{parts: string[]}} props */
function Page({ parts }) {
  const [section = 'wallet', id] = parts;
  switch (section) {
    case 'wallet':
      return html`<${Wallet} />`;
    case 'deposit':
      return html`<${DepositPage} />`;
    case 'withdraw':
      return html`<${WithdrawPage} />`;
    case 'withdrawals':
      return id ? html`<${MyWithdrawal} id=${id} />` : html`<${MyWithdrawals} />`;
    case 'limits':
      return html`<${LimitsPage} />`;
    case 'breaks':
      return html`<${BreaksPage} />`;
    default:
      return html`<div class="alert" role="alert">No such page.</div>`;
  }
}

function App() {
  const route = useRoute();
  const [email, setEmail] = useState(/** @type {string | null} */ (null));
  const [notice, setNotice] = useState('');
  useEffect(() => {
    onUnauthorized(() => {
      setEmail(null);
      setNotice(SESSION_ENDED);
      navigate('#/login');
    });
  }, []);
  const [first] = route.parts;
  if (email === null) {
    return html`<${Auth} register=${first === 'register'} notice=${notice} onSignedIn=${(/** @type {string} */ e) => {
      setNotice('');
      setEmail(e);
      navigate('#/wallet');
    }} />`;
  }
  const parts = first === 'login' || first === 'register' ? [] : route.parts;
  const signOut = () => {
    setToken(null);
    setEmail(null);
    setNotice('You are signed out.');
    navigate('#/login');
  };
  return html`<div class="page"><${Header} email=${email} section=${parts[0] ?? 'wallet'} onSignOut=${signOut} />
    <main><${Page} parts=${parts} /></main></div>`;
}

const root = document.getElementById('app');
if (root) render(html`<${App} />`, root);
