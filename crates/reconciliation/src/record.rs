//! One transaction as one side (Kasa or the PSP) sees it, and the rules that
//! turn Kasa's typed rows into such records.

use deposit::DepositStatus;
use payout::AttemptStatus;
use withdrawal::WithdrawalState;

/// Deposit or payout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecordType {
    /// A deposit (reference = deposit id).
    Deposit,
    /// A payout attempt (reference = attempt id).
    Payout,
}

impl RecordType {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordType::Deposit => "deposit",
            RecordType::Payout => "payout",
        }
    }
}

/// One transaction as one side sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// Deposit or payout.
    pub record_type: RecordType,
    /// Kasa's id (the PSP's `reference`).
    pub reference: String,
    /// Status on that side (`pending`, `succeeded`, `failed`, `unknown`,
    /// `reversed`). A string: the PSP's side is whatever its report says.
    pub status: String,
    /// Amount in minor units.
    pub amount_minor: i64,
    /// ISO 4217 code.
    pub currency: String,
    /// False for records the PSP never accepted (declined, no PSP id): not
    /// expected in its report.
    pub expected_at_psp: bool,
}

/// A deposit as Kasa stores it, its status parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KasaDeposit {
    /// The deposit id.
    pub reference: String,
    /// Its status.
    pub status: DepositStatus,
    /// Whether the PSP gave it an id (it accepted the deposit).
    pub has_provider_ref: bool,
    /// Amount in minor units.
    pub amount_minor: i64,
    /// ISO 4217 code.
    pub currency: String,
}

impl From<KasaDeposit> for Record {
    /// A deposit that failed without a PSP id was never accepted by the PSP,
    /// so its report will not list it.
    fn from(d: KasaDeposit) -> Record {
        Record {
            record_type: RecordType::Deposit,
            reference: d.reference,
            status: d.status.as_str().to_owned(),
            amount_minor: d.amount_minor,
            currency: d.currency,
            expected_at_psp: d.status != DepositStatus::Failed || d.has_provider_ref,
        }
    }
}

/// A payout attempt as Kasa stores it, with the state of its withdrawal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KasaPayout {
    /// The attempt id.
    pub reference: String,
    /// The attempt's status.
    pub attempt: AttemptStatus,
    /// The state of the withdrawal it pays.
    pub withdrawal: WithdrawalState,
    /// Whether the PSP gave the attempt an id (it accepted the payout).
    pub has_provider_ref: bool,
    /// The withdrawal's amount in minor units.
    pub amount_minor: i64,
    /// ISO 4217 code.
    pub currency: String,
}

impl From<KasaPayout> for Record {
    /// An attempt that failed without a PSP id was declined before the PSP
    /// took it, so its report will not list it.
    fn from(p: KasaPayout) -> Record {
        Record {
            record_type: RecordType::Payout,
            reference: p.reference,
            status: payout_status(p.attempt, p.withdrawal).to_owned(),
            amount_minor: p.amount_minor,
            currency: p.currency,
            expected_at_psp: p.attempt != AttemptStatus::Failed || p.has_provider_ref,
        }
    }
}

/// The status Kasa reports for a payout: the attempt's own, except that a
/// succeeded attempt whose withdrawal was reversed is `reversed`, as the PSP
/// reports a payout that came back (the attempt itself stays `succeeded`).
pub fn payout_status(attempt: AttemptStatus, withdrawal: WithdrawalState) -> &'static str {
    match (attempt, withdrawal) {
        (AttemptStatus::Succeeded, WithdrawalState::Reversed) => "reversed",
        (attempt, _) => attempt.as_str(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payout(attempt: AttemptStatus, withdrawal: WithdrawalState, has_ref: bool) -> Record {
        Record::from(KasaPayout {
            reference: "p1".into(),
            attempt,
            withdrawal,
            has_provider_ref: has_ref,
            amount_minor: 10,
            currency: "EUR".into(),
        })
    }

    #[test]
    fn only_a_succeeded_attempt_of_a_reversed_withdrawal_reads_reversed() {
        for attempt in AttemptStatus::ALL {
            for state in WithdrawalState::ALL {
                let expected =
                    if (attempt, state) == (AttemptStatus::Succeeded, WithdrawalState::Reversed) {
                        "reversed"
                    } else {
                        attempt.as_str()
                    };
                assert_eq!(
                    payout_status(attempt, state),
                    expected,
                    "{attempt} {state:?}"
                );
                assert_eq!(payout(attempt, state, true).status, expected);
            }
        }
    }

    #[test]
    fn records_the_psp_never_accepted_are_not_expected_in_its_report() {
        for attempt in AttemptStatus::ALL {
            for has_ref in [true, false] {
                let record = payout(attempt, WithdrawalState::ALL[0], has_ref);
                let declined = attempt == AttemptStatus::Failed && !has_ref;
                assert_eq!(record.expected_at_psp, !declined, "{attempt} {has_ref}");
            }
        }
        for status in DepositStatus::ALL {
            for has_ref in [true, false] {
                let record = Record::from(KasaDeposit {
                    reference: "d1".into(),
                    status,
                    has_provider_ref: has_ref,
                    amount_minor: 10,
                    currency: "EUR".into(),
                });
                let declined = status == DepositStatus::Failed && !has_ref;
                assert_eq!(record.expected_at_psp, !declined, "{status} {has_ref}");
                assert_eq!(record.status, status.as_str());
                assert_eq!(record.record_type, RecordType::Deposit);
            }
        }
    }
}
