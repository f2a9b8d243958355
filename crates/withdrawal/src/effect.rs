//! The ledger movement a transition makes.

use ledger::{LedgerError, LedgerTransaction, Money, PlayerId, TransactionKind};

/// A money movement caused by a withdrawal transition, for the withdrawal's
/// full amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Effect {
    /// Reserve the amount: available −a, held +a ([`ledger::withdrawal_hold`]).
    Hold,
    /// Give the reserved amount back: held −a, available +a
    /// ([`ledger::withdrawal_release`]).
    Release,
    /// The PSP paid the player: held −a, PSP clearing +a
    /// ([`ledger::withdrawal_paid`]). Happens at most once per withdrawal.
    Settle,
    /// The PSP returned a paid-out amount: available +a, PSP clearing −a
    /// ([`ledger::payout_reversal`]).
    Reverse,
}

impl Effect {
    /// The balanced ledger transaction of this movement for `player`'s
    /// withdrawal of `amount`, paid out through `provider`.
    ///
    /// Holds and releases stay inside the player's wallet and need no
    /// provider; [`Effect::Settle`] and [`Effect::Reverse`] move money against
    /// the provider's clearing account, and without one they are
    /// [`LedgerError::InvalidAccount`]. Other errors are the ledger's (a
    /// non-positive amount, an empty provider name).
    pub fn ledger_transaction(
        self,
        player: PlayerId,
        provider: Option<&str>,
        amount: Money,
    ) -> Result<LedgerTransaction, LedgerError> {
        let clearing = || {
            provider.ok_or_else(|| {
                LedgerError::InvalidAccount("a payout movement needs its provider".to_owned())
            })
        };
        match self {
            Effect::Hold => ledger::withdrawal_hold(player, amount),
            Effect::Release => ledger::withdrawal_release(player, amount),
            Effect::Settle => ledger::withdrawal_paid(player, clearing()?, amount),
            Effect::Reverse => ledger::payout_reversal(player, clearing()?, amount),
        }
    }

    /// The kind of the transaction [`Effect::ledger_transaction`] builds.
    pub fn kind(self) -> TransactionKind {
        match self {
            Effect::Hold => TransactionKind::WithdrawalHold,
            Effect::Release => TransactionKind::WithdrawalRelease,
            Effect::Settle => TransactionKind::WithdrawalPaid,
            Effect::Reverse => TransactionKind::PayoutReversal,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ledger::{Account, Currency, WalletBalance};

    const ALL: [Effect; 4] = [
        Effect::Hold,
        Effect::Release,
        Effect::Settle,
        Effect::Reverse,
    ];

    fn player() -> PlayerId {
        Account::parse("player:67e55044-10b1-426f-9247-bb680e5fe0c8:available")
            .ok()
            .and_then(|account| account.player())
            .expect("a valid player account code")
    }

    fn eur(units: i64) -> Money {
        Money::from_minor_units(units, Currency::EUR)
    }

    #[test]
    fn each_effect_builds_its_recipe() {
        let p = player();
        let a = eur(1250);
        assert_eq!(
            Effect::Hold.ledger_transaction(p, Some("acme"), a),
            ledger::withdrawal_hold(p, a)
        );
        assert_eq!(
            Effect::Release.ledger_transaction(p, Some("acme"), a),
            ledger::withdrawal_release(p, a)
        );
        assert_eq!(
            Effect::Settle.ledger_transaction(p, Some("acme"), a),
            ledger::withdrawal_paid(p, "acme", a)
        );
        assert_eq!(
            Effect::Reverse.ledger_transaction(p, Some("acme"), a),
            ledger::payout_reversal(p, "acme", a)
        );
        for effect in ALL {
            let tx = effect
                .ledger_transaction(p, Some("acme"), a)
                .expect("positive amount");
            assert_eq!(tx.kind(), effect.kind());
        }
    }

    #[test]
    fn each_effect_moves_the_wallet_as_documented() {
        let p = player();
        let wallet = WalletBalance::new(eur(1000), eur(500)).expect("valid balances");
        let after = |effect: Effect| {
            let tx = effect
                .ledger_transaction(p, Some("acme"), eur(200))
                .expect("positive amount");
            wallet
                .apply(p, &tx)
                .map(|w| (w.available(), w.held()))
                .expect("wallet covers it")
        };
        assert_eq!(after(Effect::Hold), (eur(800), eur(700)));
        assert_eq!(after(Effect::Release), (eur(1200), eur(300)));
        assert_eq!(after(Effect::Settle), (eur(1000), eur(300)));
        assert_eq!(after(Effect::Reverse), (eur(1200), eur(500)));
    }

    #[test]
    fn ledger_errors_are_passed_on() {
        for effect in ALL {
            assert_eq!(
                effect.ledger_transaction(player(), Some("acme"), eur(0)),
                Err(LedgerError::NotPositive)
            );
        }
        for effect in [Effect::Settle, Effect::Reverse] {
            for provider in [Some(""), None] {
                assert!(matches!(
                    effect.ledger_transaction(player(), provider, eur(1)),
                    Err(LedgerError::InvalidAccount(_))
                ));
            }
        }
    }
}
