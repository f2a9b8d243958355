//! Rows to domain types, each in one place: a stored value that does not
//! parse (an unknown state, currency or status) is [`StoreError::Corrupt`]
//! naming its column, and nothing above this module sees a stored string.
//!
//! [`StoreError::Corrupt`]: crate::StoreError::Corrupt

pub(crate) mod withdrawals;
