//! Whether the PSP clearing accounts moved as the PSP's report implies.

use std::collections::BTreeMap;

use crate::{Record, RecordType};

/// The PSP clearing movement its report implies, per currency, in Kasa's sign
/// convention: a settled deposit is money the PSP owes Kasa (−a), a settled
/// payout pays that back (+a), a reversed payout nets to zero.
pub fn psp_clearing_movement(psp: &[Record]) -> BTreeMap<String, i64> {
    let mut totals = BTreeMap::new();
    for item in psp {
        let delta = match (item.record_type, item.status.as_str()) {
            (RecordType::Deposit, "succeeded") => -item.amount_minor,
            (RecordType::Payout, "succeeded") => item.amount_minor,
            _ => 0,
        };
        *totals.entry(item.currency.clone()).or_insert(0i64) += delta;
    }
    totals
}

/// Compares Kasa's clearing movement (per currency, from its ledger) with the
/// one the PSP's report implies; returns `(currency, Kasa, PSP)` for every
/// currency where they differ, a currency missing on one side counting as 0.
pub fn clearing_differences(
    kasa: &BTreeMap<String, i64>,
    psp_items: &[Record],
) -> Vec<(String, i64, i64)> {
    let psp = psp_clearing_movement(psp_items);
    let mut currencies: Vec<&String> = kasa.keys().chain(psp.keys()).collect();
    currencies.sort();
    currencies.dedup();
    currencies
        .into_iter()
        .filter_map(|c| {
            let (k, p) = (
                kasa.get(c).copied().unwrap_or(0),
                psp.get(c).copied().unwrap_or(0),
            );
            (k != p).then(|| (c.clone(), k, p))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn record(t: RecordType, reference: &str, status: &str, amount: i64) -> Record {
        Record {
            record_type: t,
            reference: reference.into(),
            status: status.into(),
            amount_minor: amount,
            currency: "EUR".into(),
            expected_at_psp: true,
        }
    }

    #[test]
    fn clearing_movement_follows_the_ledger_sign_convention() {
        let psp = vec![
            record(RecordType::Deposit, "d1", "succeeded", 100),
            record(RecordType::Deposit, "d2", "failed", 40),
            record(RecordType::Payout, "p1", "succeeded", 30),
            record(RecordType::Payout, "p2", "reversed", 20),
        ];
        assert_eq!(psp_clearing_movement(&psp).get("EUR"), Some(&-70));
    }

    #[test]
    fn a_currency_on_one_side_only_differs_from_zero() {
        let psp = vec![record(RecordType::Deposit, "d1", "succeeded", 100)];
        let kasa = BTreeMap::from([("USD".to_owned(), 5)]);
        assert_eq!(
            clearing_differences(&kasa, &psp),
            vec![("EUR".to_owned(), 0, -100), ("USD".to_owned(), 5, 0)]
        );
    }

    fn psp_item() -> impl Strategy<Value = Record> {
        (
            prop_oneof![Just(RecordType::Deposit), Just(RecordType::Payout)],
            prop_oneof![
                Just("succeeded"),
                Just("failed"),
                Just("pending"),
                Just("reversed")
            ],
            0..1_000_000i64,
            prop_oneof![Just("EUR"), Just("USD"), Just("GBP")],
        )
            .prop_map(|(record_type, status, amount_minor, currency)| Record {
                record_type,
                reference: String::new(),
                status: status.to_owned(),
                amount_minor,
                currency: currency.to_owned(),
                expected_at_psp: true,
            })
    }

    proptest! {
        #[test]
        fn no_difference_when_the_ledger_moved_as_the_psp_reports(
            items in proptest::collection::vec(psp_item(), 0..30),
        ) {
            let kasa = psp_clearing_movement(&items);
            prop_assert!(clearing_differences(&kasa, &items).is_empty());
        }

        #[test]
        fn a_changed_currency_and_only_it_differs(
            items in proptest::collection::vec(psp_item(), 1..30),
            pick in any::<prop::sample::Index>(),
            delta in prop_oneof![-1_000i64..0, 1..1_000i64],
        ) {
            let mut kasa = psp_clearing_movement(&items);
            let currency = pick.get(&items).currency.clone();
            let moved = kasa.get(&currency).copied().unwrap_or(0) + delta;
            kasa.insert(currency.clone(), moved);
            let differences = clearing_differences(&kasa, &items);
            prop_assert_eq!(differences.len(), 1);
            prop_assert_eq!(&differences[0].0, &currency);
            prop_assert_eq!(differences[0].1, moved);
            prop_assert_eq!(differences[0].2, moved - delta);
        }
    }
}
