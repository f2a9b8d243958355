use super::*;
use crate::money::cents;

fn answer(http: u16, body: &str) -> Answer {
    Answer::read(http, body.as_bytes())
}

fn wallet(status: &str, balance: &str) -> Answer {
    answer(
        200,
        &format!(r#"{{"status":"{status}","balance":"{balance}","currency":"EUR"}}"#),
    )
}

fn started(balance: &str) -> Tracker {
    Tracker::start(&wallet("ok", balance)).expect("a valid first balance")
}

#[test]
fn starts_from_the_first_balance_answer() {
    let tracker = started("25.00");
    assert_eq!(tracker.balance(), cents(2500));
    assert_eq!(tracker.balance_text(), "25.00");
    assert_eq!(tracker.currency(), "EUR");
    assert_eq!(tracker.scale(), 2);

    assert!(Tracker::start(&wallet("session_invalid", "25.00")).is_err());
    assert!(Tracker::start(&answer(200, r#"{"status":"ok","currency":"EUR"}"#)).is_err());
    assert!(Tracker::start(&answer(200, r#"{"status":"ok","balance":"1.00"}"#)).is_err());
    assert!(Tracker::start(&answer(401, r#"{"code":"invalid_signature"}"#)).is_err());
}

#[test]
fn follows_debits_and_credits() {
    let mut tracker = started("25.00");
    let bet = Expected::ok(Movement::Debit(cents(100)));
    assert_eq!(tracker.check(&wallet("ok", "24.00"), &bet), Ok(()));
    let win = Expected::ok(Movement::Credit(cents(250)));
    assert_eq!(tracker.check(&wallet("ok", "26.50"), &win), Ok(()));
    let repeat = Expected::still("ok");
    assert_eq!(tracker.check(&wallet("ok", "26.50"), &repeat), Ok(()));
    assert_eq!(tracker.balance_text(), "26.50");
}

#[test]
fn a_wrong_balance_fails_and_changes_nothing() {
    let mut tracker = started("25.00");
    let bet = Expected::ok(Movement::Debit(cents(100)));
    // Debited twice (a duplicate delivery applied again).
    let error = tracker
        .check(&wallet("ok", "23.00"), &bet)
        .expect_err("a double debit");
    assert!(
        error.contains("24.00") && error.contains("23.00"),
        "{error}"
    );
    assert_eq!(tracker.balance_text(), "25.00");
    // Written with other digits than the currency's.
    assert!(tracker.check(&wallet("ok", "24.0"), &bet).is_err());
    // No balance at all, although the player is known.
    let bare = answer(200, r#"{"status":"ok","currency":"EUR"}"#);
    assert!(tracker.check(&bare, &bet).is_err());
    // Another currency.
    let usd = answer(200, r#"{"status":"ok","balance":"24.00","currency":"USD"}"#);
    assert!(tracker.check(&usd, &bet).is_err());
    assert_eq!(tracker.balance_text(), "25.00");
}

#[test]
fn a_wrong_status_fails_even_with_the_right_balance() {
    let mut tracker = started("25.00");
    let refused = Expected::still("insufficient_funds");
    assert!(tracker.check(&wallet("ok", "25.00"), &refused).is_err());
    assert_eq!(
        tracker.check(&wallet("insufficient_funds", "25.00"), &refused),
        Ok(())
    );
    // A refusal that moved money anyway.
    assert!(
        tracker
            .check(&wallet("insufficient_funds", "20.00"), &refused)
            .is_err()
    );
}

#[test]
fn problems_and_unknown_players_are_checked_without_a_balance() {
    let mut tracker = started("25.00");
    let bad_signature = Expected::Problem {
        http: 401,
        code: "invalid_signature",
    };
    let problem = answer(401, r#"{"status":401,"code":"invalid_signature"}"#);
    assert_eq!(tracker.check(&problem, &bad_signature), Ok(()));
    assert!(
        tracker
            .check(&wallet("ok", "25.00"), &bad_signature)
            .is_err()
    );
    let other = answer(401, r#"{"status":401,"code":"unauthorized"}"#);
    assert!(tracker.check(&other, &bad_signature).is_err());

    let unknown = Expected::UnknownPlayer {
        status: "session_invalid",
    };
    let answered = answer(200, r#"{"status":"session_invalid"}"#);
    assert_eq!(tracker.check(&answered, &unknown), Ok(()));
    assert!(tracker.check(&wallet("ok", "25.00"), &unknown).is_err());
    assert_eq!(tracker.balance_text(), "25.00");
}

#[test]
fn amounts_follow_the_currency_digits() {
    let yen = Tracker::start(&answer(
        200,
        r#"{"status":"ok","balance":"500","currency":"JPY"}"#,
    ))
    .expect("a yen wallet");
    assert_eq!(yen.scale(), 0);
    assert_eq!(yen.text(yen.sendable(cents(100))), "1");
    assert_eq!(yen.sendable(cents(250)), rust_decimal::Decimal::from(3));
    let tracker = started("1.00");
    assert!(tracker.affords(cents(100)));
    assert!(!tracker.affords(cents(101)));
}

#[test]
fn expectations_describe_themselves() {
    assert_eq!(
        Expected::ok(Movement::Debit(cents(100))).describe(2),
        "ok -1.00"
    );
    assert_eq!(
        Expected::ok(Movement::Credit(cents(250))).describe(2),
        "ok +2.50"
    );
    assert_eq!(Expected::still("round_closed").describe(2), "round_closed");
    let problem = Expected::Problem {
        http: 401,
        code: "invalid_signature",
    };
    assert_eq!(problem.describe(2), "HTTP 401 invalid_signature");
}
