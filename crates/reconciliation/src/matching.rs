//! Matching Kasa's records against the PSP's report.

use std::collections::{HashMap, HashSet};

use crate::{Finding, FindingKind, Record, UnreadableLine};

/// Compares the PSP's report with Kasa's records. `kasa` holds Kasa's records
/// of the window plus any record the report names; `unreadable` are the report
/// lines that could not be read, each an `Unreadable` finding (with Kasa's
/// record of its reference, which is then not `MissingInPsp`: the PSP did
/// report it); `report_unknown_to_kasa` says whether PSP-only items are
/// reported (a tenant-scoped run cannot tell whose they are, so it leaves them
/// out).
pub fn reconcile(
    kasa: &[Record],
    psp: &[Record],
    unreadable: &[UnreadableLine],
    report_unknown_to_kasa: bool,
) -> Vec<Finding> {
    let by_reference: HashMap<&str, &Record> =
        kasa.iter().map(|r| (r.reference.as_str(), r)).collect();
    let mut seen = HashSet::new();
    let mut findings = Vec::new();
    for line in unreadable {
        let ours = by_reference.get(line.reference.as_str()).copied();
        // A Kasa record of the line's reference (when it has one) stays tied to it.
        if ours.is_some() || report_unknown_to_kasa {
            seen.insert(line.reference.as_str());
            findings.push(Finding {
                kind: FindingKind::Unreadable,
                kasa: ours.cloned(),
                psp: None,
                detail: format!("unreadable report line ({}): {}", line.error, line.raw),
                line: Some(line.clone()),
            });
        }
    }
    for item in psp {
        seen.insert(item.reference.as_str());
        match by_reference.get(item.reference.as_str()) {
            Some(ours) => findings.push(compare(ours, item)),
            None if report_unknown_to_kasa => findings.push(Finding {
                kind: FindingKind::MissingInKasa,
                kasa: None,
                psp: Some(item.clone()),
                detail: format!(
                    "the PSP reports a {} Kasa does not have",
                    item.record_type.as_str()
                ),
                line: None,
            }),
            None => {}
        }
    }
    for ours in kasa {
        if ours.expected_at_psp && !seen.contains(ours.reference.as_str()) {
            findings.push(Finding {
                kind: FindingKind::MissingInPsp,
                kasa: Some(ours.clone()),
                psp: None,
                detail: format!("the PSP does not report this {}", ours.record_type.as_str()),
                line: None,
            });
        }
    }
    findings
}

/// Compares Kasa's record with the PSP's record of the same reference:
/// `Matched` when type, status, amount and currency agree, else `Mismatched`
/// naming every difference.
pub fn compare(ours: &Record, theirs: &Record) -> Finding {
    let mut differences = Vec::new();
    if ours.record_type != theirs.record_type {
        differences.push(format!(
            "type {} vs {}",
            ours.record_type.as_str(),
            theirs.record_type.as_str()
        ));
    }
    if ours.status != theirs.status {
        differences.push(format!("status {} vs {}", ours.status, theirs.status));
    }
    if ours.amount_minor != theirs.amount_minor || ours.currency != theirs.currency {
        differences.push(format!(
            "amount {} {} vs {} {} (minor units)",
            ours.amount_minor, ours.currency, theirs.amount_minor, theirs.currency
        ));
    }
    Finding {
        kind: if differences.is_empty() {
            FindingKind::Matched
        } else {
            FindingKind::Mismatched
        },
        kasa: Some(ours.clone()),
        psp: Some(theirs.clone()),
        detail: differences.join("; "),
        line: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RecordType;
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
    fn sorts_records_into_the_four_kinds() {
        let kasa = vec![
            record(RecordType::Deposit, "d1", "succeeded", 100),
            record(RecordType::Deposit, "d2", "succeeded", 100),
            record(RecordType::Payout, "p1", "unknown", 50),
            record(RecordType::Deposit, "d3", "pending", 10),
            Record {
                expected_at_psp: false,
                ..record(RecordType::Payout, "p2", "failed", 5)
            },
        ];
        let psp = vec![
            record(RecordType::Deposit, "d1", "succeeded", 100),
            record(RecordType::Deposit, "d2", "succeeded", 90),
            record(RecordType::Payout, "p1", "succeeded", 50),
            record(RecordType::Payout, "x9", "succeeded", 70),
        ];
        let findings = reconcile(&kasa, &psp, &[], true);
        let kinds: Vec<_> = findings
            .iter()
            .map(|f| {
                (
                    f.kind,
                    f.kasa
                        .as_ref()
                        .or(f.psp.as_ref())
                        .map(|r| r.reference.clone()),
                )
            })
            .collect();
        assert_eq!(
            kinds,
            vec![
                (FindingKind::Matched, Some("d1".into())),
                (FindingKind::Mismatched, Some("d2".into())),
                (FindingKind::Mismatched, Some("p1".into())),
                (FindingKind::MissingInKasa, Some("x9".into())),
                (FindingKind::MissingInPsp, Some("d3".into())),
            ]
        );
        assert!(findings[1].detail.contains("amount"));
        assert!(findings[2].detail.contains("status unknown vs succeeded"));
        let scoped = reconcile(&kasa, &psp, &[], false);
        assert!(scoped.iter().all(|f| f.kind != FindingKind::MissingInKasa));
    }

    #[test]
    fn unreadable_lines_are_findings_tied_to_kasas_record() {
        let kasa = vec![record(RecordType::Deposit, "d1", "succeeded", 100)];
        let line = |reference: &str| UnreadableLine {
            record_type: Some(RecordType::Deposit),
            reference: reference.into(),
            currency: "EUR".into(),
            raw: format!(r#"{{"reference":"{reference}"}}"#),
            error: "missing field `amount`".into(),
        };
        let lines = [line("d1"), line("x1")];
        let findings = reconcile(&kasa, &[], &lines, true);
        assert_eq!(findings.len(), 2, "{findings:?}");
        assert!(findings.iter().all(|f| f.kind == FindingKind::Unreadable));
        assert_eq!(
            findings[0].kasa.as_ref().map(|r| r.reference.as_str()),
            Some("d1")
        );
        assert!(findings[0].detail.contains(r#"{"reference":"d1"}"#));
        assert!(findings[0].detail.contains("amount"));
        assert_eq!(findings[1].kasa, None);
        // A tenant's run cannot attribute a line Kasa knows nothing of.
        let scoped = reconcile(&kasa, &[], &lines, false);
        assert_eq!(scoped.len(), 1);
        assert_eq!(scoped[0].line, Some(line("d1")));
    }

    fn any_record() -> impl Strategy<Value = Record> {
        (
            prop_oneof![Just(RecordType::Deposit), Just(RecordType::Payout)],
            prop_oneof![
                Just("pending"),
                Just("succeeded"),
                Just("failed"),
                Just("unknown"),
                Just("reversed")
            ],
            0..10_000i64,
            prop_oneof![Just("EUR"), Just("USD")],
            any::<bool>(),
        )
            .prop_map(
                |(record_type, status, amount_minor, currency, expected)| Record {
                    record_type,
                    reference: String::new(),
                    status: status.to_owned(),
                    amount_minor,
                    currency: currency.to_owned(),
                    expected_at_psp: expected,
                },
            )
    }

    /// Records with distinct references `r<n>`, as both sides hold them.
    fn side() -> impl Strategy<Value = Vec<Record>> {
        proptest::collection::btree_map(0..24u8, any_record(), 0..24).prop_map(|records| {
            records
                .into_iter()
                .map(|(n, r)| Record {
                    reference: format!("r{n}"),
                    ..r
                })
                .collect()
        })
    }

    /// How many findings name `reference` on Kasa's and on the PSP's side.
    fn mentions(findings: &[Finding], reference: &str) -> (usize, usize) {
        let named = |r: &Option<Record>| r.as_ref().is_some_and(|r| r.reference == reference);
        (
            findings.iter().filter(|f| named(&f.kasa)).count(),
            findings.iter().filter(|f| named(&f.psp)).count(),
        )
    }

    proptest! {
        #[test]
        fn a_set_reconciled_against_itself_only_matches(records in side()) {
            let expected: Vec<Record> = records
                .into_iter()
                .map(|r| Record { expected_at_psp: true, ..r })
                .collect();
            let findings = reconcile(&expected, &expected, &[], true);
            prop_assert_eq!(findings.len(), expected.len());
            prop_assert!(findings.iter().all(|f| f.kind == FindingKind::Matched), "{:?}", findings);
        }

        #[test]
        fn every_record_is_in_exactly_one_finding(kasa in side(), psp in side()) {
            let findings = reconcile(&kasa, &psp, &[], true);
            for ours in &kasa {
                let reported = psp.iter().any(|p| p.reference == ours.reference);
                let (in_kasa, _) = mentions(&findings, &ours.reference);
                // Only a record the PSP neither knows nor reports is in none.
                let expected = usize::from(reported || ours.expected_at_psp);
                prop_assert_eq!(in_kasa, expected, "{}", ours.reference);
            }
            for theirs in &psp {
                let (_, in_psp) = mentions(&findings, &theirs.reference);
                prop_assert_eq!(in_psp, 1, "{}", theirs.reference);
            }
            for f in &findings {
                let both = f.kasa.is_some() && f.psp.is_some();
                let kind_needs_both = matches!(f.kind, FindingKind::Matched | FindingKind::Mismatched);
                prop_assert_eq!(both, kind_needs_both, "{:?}", f);
                if let (Some(k), Some(p)) = (&f.kasa, &f.psp) {
                    prop_assert_eq!(f.kind == FindingKind::Matched, compare(k, p).detail.is_empty());
                }
            }
        }

        #[test]
        fn a_scoped_run_reports_nothing_unknown_to_kasa(kasa in side(), psp in side()) {
            let scoped = reconcile(&kasa, &psp, &[], false);
            prop_assert!(scoped.iter().all(|f| f.kasa.is_some()));
            let full = reconcile(&kasa, &psp, &[], true);
            let known: Vec<&Finding> = full.iter().filter(|f| f.kasa.is_some()).collect();
            prop_assert_eq!(scoped.iter().collect::<Vec<_>>(), known);
        }
    }
}
