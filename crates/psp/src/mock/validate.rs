//! What the mock refuses before doing anything, as a real PSP would.

use std::str::FromStr;

use rust_decimal::Decimal;

use super::NewTransaction;
use crate::report::is_plain_decimal;

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
