//! The money movements of Kasa's contract, as balanced transactions.
//!
//! Each takes a positive amount (else [`LedgerError::NotPositive`]); whether
//! the wallet allows the movement is [`WalletBalance::apply`]'s business.
//!
//! [`WalletBalance::apply`]: crate::WalletBalance::apply

use crate::{
    Account, LedgerError, LedgerTransaction, Money, PlayerId, TransactionBuilder, TransactionKind,
};

fn positive(amount: Money) -> Result<Money, LedgerError> {
    if amount.is_positive() {
        Ok(amount)
    } else {
        Err(LedgerError::NotPositive)
    }
}

fn clearing(provider: &str, amount: Money) -> Account {
    Account::PspClearing {
        provider: provider.to_owned(),
        currency: amount.currency(),
    }
}

/// A PSP deposit credited: available +a, PSP clearing −a.
pub fn deposit(
    player: PlayerId,
    provider: &str,
    amount: Money,
) -> Result<LedgerTransaction, LedgerError> {
    let a = positive(amount)?;
    TransactionBuilder::new(TransactionKind::Deposit)
        .post(Account::PlayerAvailable(player), a)
        .post(clearing(provider, a), a.negated())
        .build()
}

/// A withdrawal requested: available −a, held +a.
pub fn withdrawal_hold(player: PlayerId, amount: Money) -> Result<LedgerTransaction, LedgerError> {
    let a = positive(amount)?;
    TransactionBuilder::new(TransactionKind::WithdrawalHold)
        .post(Account::PlayerAvailable(player), a.negated())
        .post(Account::PlayerHeld(player), a)
        .build()
}

/// A withdrawal rejected or cancelled: held −a, available +a.
pub fn withdrawal_release(
    player: PlayerId,
    amount: Money,
) -> Result<LedgerTransaction, LedgerError> {
    let a = positive(amount)?;
    TransactionBuilder::new(TransactionKind::WithdrawalRelease)
        .post(Account::PlayerHeld(player), a.negated())
        .post(Account::PlayerAvailable(player), a)
        .build()
}

/// A withdrawal paid out through the PSP: held −a, PSP clearing +a.
pub fn withdrawal_paid(
    player: PlayerId,
    provider: &str,
    amount: Money,
) -> Result<LedgerTransaction, LedgerError> {
    let a = positive(amount)?;
    TransactionBuilder::new(TransactionKind::WithdrawalPaid)
        .post(Account::PlayerHeld(player), a.negated())
        .post(clearing(provider, a), a)
        .build()
}

/// A paid-out withdrawal returned by the PSP: available +a, PSP clearing −a.
pub fn payout_reversal(
    player: PlayerId,
    provider: &str,
    amount: Money,
) -> Result<LedgerTransaction, LedgerError> {
    let a = positive(amount)?;
    TransactionBuilder::new(TransactionKind::PayoutReversal)
        .post(Account::PlayerAvailable(player), a)
        .post(clearing(provider, a), a.negated())
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Currency, Posting};
    use uuid::Uuid;

    const P: PlayerId = PlayerId(Uuid::from_u128(3));

    fn bhd(units: i64) -> Money {
        Money::from_minor_units(units, Currency::BHD)
    }

    fn postings(
        tx: Result<LedgerTransaction, LedgerError>,
    ) -> (TransactionKind, Vec<(Account, Money)>) {
        let tx = tx.expect("recipe builds");
        let postings = tx
            .postings()
            .iter()
            .map(|Posting { account, amount }| (account.clone(), *amount))
            .collect();
        (tx.kind(), postings)
    }

    fn psp() -> Account {
        Account::PspClearing {
            provider: "acme".into(),
            currency: Currency::BHD,
        }
    }

    #[test]
    fn each_recipe_posts_its_documented_movement() {
        let available = Account::PlayerAvailable(P);
        let held = Account::PlayerHeld(P);
        assert_eq!(
            postings(deposit(P, "acme", bhd(1250))),
            (
                TransactionKind::Deposit,
                vec![(available.clone(), bhd(1250)), (psp(), bhd(-1250))]
            )
        );
        assert_eq!(
            postings(withdrawal_hold(P, bhd(1250))),
            (
                TransactionKind::WithdrawalHold,
                vec![(available.clone(), bhd(-1250)), (held.clone(), bhd(1250))]
            )
        );
        assert_eq!(
            postings(withdrawal_release(P, bhd(1250))),
            (
                TransactionKind::WithdrawalRelease,
                vec![(held.clone(), bhd(-1250)), (available.clone(), bhd(1250))]
            )
        );
        assert_eq!(
            postings(withdrawal_paid(P, "acme", bhd(1250))),
            (
                TransactionKind::WithdrawalPaid,
                vec![(held, bhd(-1250)), (psp(), bhd(1250))]
            )
        );
        assert_eq!(
            postings(payout_reversal(P, "acme", bhd(1250))),
            (
                TransactionKind::PayoutReversal,
                vec![(available, bhd(1250)), (psp(), bhd(-1250))]
            )
        );
    }

    #[test]
    fn every_recipe_refuses_zero_and_negative_amounts() {
        for amount in [bhd(0), bhd(-1)] {
            assert_eq!(deposit(P, "acme", amount), Err(LedgerError::NotPositive));
            assert_eq!(withdrawal_hold(P, amount), Err(LedgerError::NotPositive));
            assert_eq!(withdrawal_release(P, amount), Err(LedgerError::NotPositive));
            assert_eq!(
                withdrawal_paid(P, "acme", amount),
                Err(LedgerError::NotPositive)
            );
            assert_eq!(
                payout_reversal(P, "acme", amount),
                Err(LedgerError::NotPositive)
            );
        }
    }

    #[test]
    fn a_provider_is_required() {
        assert!(matches!(
            deposit(P, "", bhd(1)),
            Err(LedgerError::InvalidAccount(_))
        ));
    }
}
