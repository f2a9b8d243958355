//! Whether a new payout attempt may start.

use crate::{AttemptStatus, PayoutError};

/// Whether a new payout attempt may start for a withdrawal whose earlier
/// attempts are `existing` (in any order).
///
/// Refused with [`PayoutError::AttemptInProgress`] (naming the first such
/// status found) while any attempt is `pending` or `unknown`. An `unknown`
/// attempt may well have reached the bank: starting another one could pay
/// the player twice, so it must first be resolved by a webhook or a recheck
/// ([`crate::resolve`]). Terminal attempts (`succeeded`, `failed`) do not
/// block; whether a withdrawal that already succeeded may be paid again is
/// the withdrawal state machine's call, not this one's.
pub fn check_can_start(existing: &[AttemptStatus]) -> Result<(), PayoutError> {
    match existing.iter().find(|status| !status.is_terminal()) {
        Some(&status) => Err(PayoutError::AttemptInProgress { status }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    use AttemptStatus as A;

    #[test]
    fn starts_when_nothing_is_open() {
        assert_eq!(check_can_start(&[]), Ok(()));
        assert_eq!(check_can_start(&[A::Failed]), Ok(()));
        assert_eq!(
            check_can_start(&[A::Failed, A::Failed, A::Succeeded]),
            Ok(())
        );
    }

    #[test]
    fn a_pending_or_unknown_attempt_blocks_another() {
        assert_eq!(
            check_can_start(&[A::Pending]),
            Err(PayoutError::AttemptInProgress { status: A::Pending })
        );
        assert_eq!(
            check_can_start(&[A::Failed, A::Unknown]),
            Err(PayoutError::AttemptInProgress { status: A::Unknown })
        );
        assert_eq!(
            check_can_start(&[A::Failed, A::Unknown, A::Pending]),
            Err(PayoutError::AttemptInProgress { status: A::Unknown })
        );
    }

    proptest! {
        #[test]
        fn refused_exactly_when_an_attempt_is_open(
            existing in proptest::collection::vec(proptest::sample::select(A::ALL.to_vec()), 0..8),
        ) {
            let open = existing.iter().copied().find(|s| matches!(s, A::Pending | A::Unknown));
            let expected = match open {
                Some(status) => Err(PayoutError::AttemptInProgress { status }),
                None => Ok(()),
            };
            prop_assert_eq!(check_can_start(&existing), expected);
        }
    }
}
