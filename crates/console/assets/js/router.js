// Hash routes (`#/withdrawals/<id>?state=paid`): the server serves static files only.
import { useEffect, useState } from '../vendor/standalone.module.js';

/**
 * @typedef {object} Route
 * @property {string[]} parts path segments, e.g. ['withdrawals', '<id>']
 * @property {URLSearchParams} query the part after `?`
 */

/** @returns {Route} the current route */
export function currentRoute() {
  const hash = location.hash.replace(/^#\/?/, '');
  const [path = '', search = ''] = hash.split('?');
  return {
    parts: path.split('/').filter((p) => p !== '').map(decodeURIComponent),
    query: new URLSearchParams(search),
  };
}

/** @param {string} hash e.g. `#/withdrawals` */
export function navigate(hash) {
  if (location.hash === hash) {
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else {
    location.hash = hash;
  }
}

/** A hook: the current route, re-rendering on every hash change. @returns {Route} */
export function useRoute() {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const update = () => setRoute(currentRoute());
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}
