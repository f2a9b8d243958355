//! The mock's checks of requests, reversals, reports, reset and its own configuration.

use super::*;

#[tokio::test]
async fn invalid_requests_are_declined_with_400() {
    let psp = mock();
    let cases = [
        ("", "10.00", "EUR", "invalid_reference"),
        ("d1", "ten", "EUR", "invalid_amount"),
        ("d1", "0", "EUR", "invalid_amount"),
        ("d1", "-1.00", "EUR", "invalid_amount"),
        ("d1", "1e3", "EUR", "invalid_amount"),
        ("d1", "1.", "EUR", "invalid_amount"),
        ("d1", ".5", "EUR", "invalid_amount"),
        ("d1", "1,50", "EUR", "invalid_amount"),
        (
            "d1",
            "99999999999999999999999999999999",
            "EUR",
            "invalid_amount",
        ),
        ("d1", "10.00", "eur", "invalid_currency"),
        ("d1", "10.00", "EURO", "invalid_currency"),
    ];
    for (reference, amount, currency, code) in cases {
        let req = DepositRequest {
            reference: reference.into(),
            amount: amount.into(),
            currency: currency.into(),
        };
        assert_eq!(
            psp.create_deposit(&req).await,
            Err(PspError::Declined {
                status: 400,
                code: code.into()
            }),
            "{amount} {currency}"
        );
    }
    assert_eq!(
        psp.create_payout(" ", &payout("p1")).await,
        Err(PspError::Declined {
            status: 400,
            code: "missing_idempotency_key".into()
        })
    );
    assert!(psp.snapshot().deposits.is_empty());
}

#[tokio::test]
async fn reverse_requires_a_succeeded_payout() {
    let psp = mock();
    assert_eq!(
        psp.reverse_payout("nope"),
        Err(MockError::NotFound("nope".into()))
    );

    psp.push_script(Operation::Payout, Script::succeed().delay_ms(60_000));
    assert!(psp.create_payout("att_1", &payout("att_1")).await.is_ok());
    assert_eq!(
        psp.reverse_payout("att_1"),
        Err(MockError::NotReversible {
            reference: "att_1".into(),
            status: MockStatus::Pending
        })
    );

    assert!(psp.create_payout("att_2", &payout("att_2")).await.is_ok());
    assert!(settled(|| psp.payout("att_2")).await.is_some());
    assert_eq!(psp.reverse_payout("att_2"), Ok(()));
    assert_eq!(
        psp.reverse_payout("att_2"),
        Err(MockError::NotReversible {
            reference: "att_2".into(),
            status: MockStatus::Reversed
        }),
        "a payout is reversed once"
    );

    // GET keeps showing the payout's own outcome; the report shows the reversal.
    assert_eq!(
        psp.payout("att_2").map(|t| t.status),
        Some(PspStatus::Succeeded)
    );
    let now = Utc::now();
    let report = psp.report(now - TimeDelta::hours(1), now + TimeDelta::hours(1));
    let item = report.iter().find(|i| i.reference == "att_2");
    assert_eq!(item.map(|i| i.status), Some(ReportStatus::Reversed));

    for _ in 0..100 {
        if psp.snapshot().webhooks.len() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let types: Vec<EventType> = psp
        .snapshot()
        .webhooks
        .iter()
        .map(|d| d.event_type)
        .collect();
    assert_eq!(
        types,
        vec![EventType::PayoutSucceeded, EventType::PayoutReversed]
    );
}

#[tokio::test]
async fn report_filters_by_updated_at_and_includes_injected_items() {
    let psp = mock();
    assert!(psp.create_deposit(&deposit("d1")).await.is_ok());
    let injected = ReportItem {
        r#type: TransactionType::Deposit,
        reference: "unknown_to_kasa".into(),
        id: "psp_x".into(),
        amount: "3.00".into(),
        currency: "EUR".into(),
        status: ReportStatus::Succeeded,
        updated_at: at(1_000),
    };
    psp.inject_report_item(injected.clone());

    let old_window = psp.report(at(999), at(1_001));
    assert_eq!(old_window, vec![injected.clone()]);
    // The window is half-open: an item updated exactly at `to` is in the next one.
    assert!(psp.report(at(0), at(1_000)).is_empty());

    let now = Utc::now();
    let recent = psp.report(now - TimeDelta::minutes(1), now + TimeDelta::minutes(1));
    assert_eq!(
        recent
            .iter()
            .map(|i| i.reference.as_str())
            .collect::<Vec<_>>(),
        vec!["d1"]
    );
    assert_eq!(
        PaymentProvider::report(&psp, at(10), at(0)).await,
        Err(PspError::Declined {
            status: 400,
            code: "invalid_window".into()
        })
    );
    assert_eq!(
        PaymentProvider::report(&psp, at(999), at(1_001))
            .await
            .map(|r| r.items),
        Ok(vec![injected.clone()])
    );
    let everything = psp.report(at(0), now + TimeDelta::minutes(1));
    assert_eq!(everything.len(), 2);
    assert_eq!(everything[0], injected, "oldest first");
}

#[tokio::test]
async fn reset_forgets_everything_but_the_webhook_url() {
    let psp = mock();
    psp.set_webhook_url("http://127.0.0.1:1/hook");
    psp.push_script(Operation::Deposit, Script::succeed().delay_ms(30));
    assert!(psp.create_deposit(&deposit("d1")).await.is_ok());
    psp.push_script(Operation::Deposit, Script::decline("x"));
    psp.inject_report_item(ReportItem {
        r#type: TransactionType::Payout,
        reference: "r".into(),
        id: "i".into(),
        amount: "1".into(),
        currency: "EUR".into(),
        status: ReportStatus::Failed,
        updated_at: at(5),
    });

    psp.reset();
    assert_eq!(psp.snapshot(), MockSnapshot::default());
    assert_eq!(
        psp.webhook_url().as_deref(),
        Some("http://127.0.0.1:1/hook")
    );

    // A deposit with the old reference is new, and the pre-reset outcome does not touch it.
    psp.push_script(Operation::Deposit, Script::succeed().delay_ms(60_000));
    assert!(psp.create_deposit(&deposit("d1")).await.is_ok());
    tokio::time::sleep(Duration::from_millis(80)).await;
    assert_eq!(
        psp.deposit("d1").map(|t| t.status),
        Some(PspStatus::Pending)
    );
    assert!(psp.snapshot().webhooks.is_empty());
}

#[tokio::test]
async fn provider_name_comes_from_config() {
    let psp = MockPsp::new(MockConfig {
        provider_name: "acme".into(),
        ..MockConfig::default()
    });
    let provider: &dyn PaymentProvider = &psp;
    assert_eq!(provider.name(), "acme");
}

#[test]
fn outside_a_runtime_the_outcome_stays_pending_instead_of_panicking() {
    let psp = mock();
    let answer = psp.submit_deposit(&deposit("d1"));
    assert!(matches!(answer, Submission::Accepted(_)), "{answer:?}");
    assert_eq!(
        psp.deposit("d1").map(|t| t.status),
        Some(PspStatus::Pending)
    );
}

#[test]
fn debug_does_not_print_secrets() {
    let psp = MockPsp::new(MockConfig {
        webhook_secrets: vec![SecretString::from("whsec_topsecret")],
        ..MockConfig::default()
    });
    assert!(!format!("{psp:?}").contains("topsecret"));
    let config = MockConfig {
        webhook_secrets: vec![SecretString::from("whsec_topsecret")],
        ..MockConfig::default()
    };
    assert!(!format!("{config:?}").contains("topsecret"));
}
