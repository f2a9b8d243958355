// Money as decimal strings: never parsed into a JS number.

/** Digits after the decimal point, per ISO 4217 code (the contract's currencies). */
const MINOR_UNITS = /** @type {Record<string, number>} */ ({
  EUR: 2,
  USD: 2,
  GBP: 2,
  TRY: 2,
  JPY: 0,
  BHD: 3,
  KWD: 3,
});

/** @param {string} currency @returns {number} digits after the point */
export function minorUnits(currency) {
  return MINOR_UNITS[currency] ?? 2;
}

/**
 * Whether `input` is an amount the API accepts for `currency`: digits, and at
 * most the currency's minor-unit digits after a point; not zero.
 * @param {string} input @param {string} currency
 */
export function validAmount(input, currency) {
  const digits = minorUnits(currency);
  const pattern = digits === 0 ? /^\d+$/ : new RegExp(`^\\d+(\\.\\d{1,${digits}})?$`);
  return pattern.test(input) && /[1-9]/.test(input);
}

/** The rule `validAmount` checks, in words. @param {string} currency */
export function amountHint(currency) {
  const digits = minorUnits(currency);
  return digits === 0
    ? `A whole number of ${currency}, more than zero.`
    : `A number of ${currency} with up to ${digits} digits after the point, more than zero (e.g. 25.00).`;
}

/** "12.34 EUR" (the API's amount string as is). @param {string | null | undefined} amount @param {string} currency */
export function money(amount, currency) {
  return amount === null || amount === undefined ? '—' : `${amount} ${currency}`;
}

/** An integer count of minor units as a decimal string ("1234" EUR -> "12.34 EUR"), by string
 * operations only. @param {number | null | undefined} minor @param {string} currency */
export function fromMinor(minor, currency) {
  if (minor === null || minor === undefined || !Number.isSafeInteger(minor)) return '—';
  const digits = minorUnits(currency);
  const sign = minor < 0 ? '-' : '';
  const text = String(Math.abs(minor)).padStart(digits + 1, '0');
  const whole = text.slice(0, text.length - digits);
  return digits === 0 ? `${sign}${whole} ${currency}` : `${sign}${whole}.${text.slice(-digits)} ${currency}`;
}
