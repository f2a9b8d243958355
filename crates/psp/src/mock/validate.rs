//! What the mock refuses before doing anything, as a real PSP would.

use std::str::FromStr;

use rust_decimal::Decimal;

use super::NewTransaction;

/// Rejects what a real PSP would reject before doing anything.
pub(super) fn validate(new: &NewTransaction<'_>) -> Result<(), &'static str> {
    if new.reference.trim().is_empty() {
        return Err("invalid_reference");
    }
    if !is_plain_decimal(new.amount) {
        return Err("invalid_amount");
    }
    match Decimal::from_str(new.amount) {
        Ok(amount) if amount > Decimal::ZERO => {}
        _ => return Err("invalid_amount"),
    }
    if new.currency.len() != 3 || !new.currency.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err("invalid_currency");
    }
    Ok(())
}

/// `123` or `123.45`: `Decimal::from_str` would also take `1e3`, which no PSP sends.
fn is_plain_decimal(amount: &str) -> bool {
    let (whole, fraction) = amount.split_once('.').unwrap_or((amount, "0"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(whole) && digits(fraction)
}
