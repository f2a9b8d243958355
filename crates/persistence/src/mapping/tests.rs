//! A bad stored value is `Corrupt` naming its column; a good row maps whole.

#![allow(clippy::unwrap_used)]

use chrono::Utc;
use ledger::{Currency, Money, TransactionKind};
use uuid::Uuid;

use super::*;
use crate::entities::{
    admin_user as admin_row, ledger_transaction, reconciliation_run, wallet as wallet_row,
};
use crate::records::{Role, RunStatus};

fn corrupt_column(err: StoreError) -> String {
    match err {
        StoreError::Corrupt(message) => message,
        other => panic!("expected Corrupt, got {other:?}"),
    }
}

fn wallet_row(currency: &str, available_minor: i64) -> wallet_row::Model {
    wallet_row::Model {
        player_id: Uuid::now_v7(),
        tenant_id: Uuid::now_v7(),
        currency: currency.into(),
        available_minor,
        held_minor: 30,
        updated_at: Utc::now(),
    }
}

#[test]
fn a_wallet_row_maps_to_typed_balances() {
    let mapped = wallet(wallet_row("EUR", 1050)).unwrap();
    assert_eq!(
        mapped.balance.available(),
        Money::from_minor_units(1050, Currency::EUR)
    );
    assert_eq!(
        mapped.balance.held(),
        Money::from_minor_units(30, Currency::EUR)
    );
}

#[test]
fn an_unknown_currency_names_its_column() {
    let message = corrupt_column(wallet(wallet_row("XXX", 1)).unwrap_err());
    assert!(message.starts_with("wallets.currency:"), "{message}");
}

#[test]
fn a_negative_balance_is_corrupt() {
    let message = corrupt_column(wallet(wallet_row("EUR", -1)).unwrap_err());
    assert!(message.starts_with("wallets.available_minor"), "{message}");
}

#[test]
fn a_transaction_row_maps_kind_and_money() {
    let row = ledger_transaction::Model {
        id: Uuid::now_v7(),
        tenant_id: Uuid::now_v7(),
        kind: "withdrawal_hold".into(),
        player_id: None,
        currency: "EUR".into(),
        amount_minor: 2500,
        available_after_minor: Some(100),
        held_after_minor: None,
        reference_type: "withdrawal".into(),
        reference_id: Uuid::now_v7(),
        created_at: Utc::now(),
    };
    let mut bad = row.clone();
    bad.kind = "gift".into();
    let mapped = transaction(row).unwrap();
    assert_eq!(mapped.kind, TransactionKind::WithdrawalHold);
    assert_eq!(mapped.amount.to_string(), "25.00");
    assert_eq!(
        mapped.available_after.map(|m| m.to_string()).as_deref(),
        Some("1.00")
    );
    let message = corrupt_column(transaction(bad).unwrap_err());
    assert!(
        message.starts_with("ledger_transactions.kind:"),
        "{message}"
    );
}

#[test]
fn an_unknown_role_is_corrupt_and_the_hash_stays_out_of_debug() {
    let row = admin_row::Model {
        id: Uuid::now_v7(),
        tenant_id: None,
        email: "root@kasa.test".into(),
        password_hash: "$argon2id$secret".into(),
        role: "finance".into(),
        created_at: Utc::now(),
    };
    let mut bad = row.clone();
    bad.role = "root".into();
    let mapped = admin_user(row).unwrap();
    assert_eq!(mapped.role, Role::Finance);
    assert!(!format!("{mapped:?}").contains("argon2"));
    let message = corrupt_column(admin_user(bad).unwrap_err());
    assert!(message.starts_with("admin_users.role:"), "{message}");
}

#[test]
fn a_run_status_is_typed() {
    let now = Utc::now();
    let row = reconciliation_run::Model {
        id: Uuid::now_v7(),
        tenant_id: None,
        provider: "mockpsp".into(),
        window_from: now,
        window_to: now,
        status: "running".into(),
        error: None,
        matched: 1,
        mismatched: 2,
        missing_in_psp: 3,
        missing_in_kasa: 4,
        wallet_mismatches: 5,
        clearing_mismatches: 6,
        unreadable: 7,
        created_by: "admin:x".into(),
        created_at: now,
        started_at: None,
        finished_at: None,
    };
    let mut bad = row.clone();
    bad.status = "done".into();
    let mapped = run(row).unwrap();
    assert_eq!(mapped.status, RunStatus::Running);
    assert_eq!(mapped.stats.unreadable, 7);
    let message = corrupt_column(run(bad).unwrap_err());
    assert!(
        message.starts_with("reconciliation_runs.status:"),
        "{message}"
    );
}
