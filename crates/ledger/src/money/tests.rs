//! Tests of `money`.

use super::*;
use proptest::prelude::*;

fn max() -> Decimal {
    Decimal::new(1_000_000, 0)
}

fn parse(input: &str, currency: Currency) -> Result<Money, LedgerError> {
    Money::parse_amount(input, currency, max())
}

fn invalid_syntax(input: &str) -> bool {
    matches!(
        parse(input, Currency::EUR),
        Err(LedgerError::InvalidAmount(_))
    )
}

#[test]
fn formats_every_currency_with_exactly_its_minor_digits() {
    let cases = [
        (1050, Currency::EUR, "10.50"),
        (-300, Currency::USD, "-3.00"),
        (0, Currency::GBP, "0.00"),
        (123_456_789, Currency::TRY, "1234567.89"),
        (100, Currency::JPY, "100"),
        (1250, Currency::BHD, "1.250"),
        (1, Currency::KWD, "0.001"),
    ];
    for (units, currency, shown) in cases {
        assert_eq!(
            Money::from_minor_units(units, currency).to_string(),
            shown,
            "{currency}"
        );
    }
    assert_eq!(
        format!("{:.1}", Money::from_minor_units(1050, Currency::EUR)),
        "10.50"
    );
}

#[test]
fn zero_is_never_negative() {
    let zero = Money::zero(Currency::EUR);
    assert_eq!(zero.negated().to_string(), "0.00");
    let minus_zero = Money::new(Decimal::new(-0, 2), Currency::EUR).expect("zero");
    assert_eq!(minus_zero.to_string(), "0.00");
    let difference = Money::from_minor_units(-5, Currency::EUR)
        .checked_sub(&Money::from_minor_units(-5, Currency::EUR))
        .expect("in range");
    assert_eq!(difference.to_string(), "0.00");
    assert!(!zero.is_positive() && !zero.is_negative() && zero.is_zero());
}

#[test]
fn new_accepts_trailing_zeros_and_refuses_extra_digits() {
    let m = Money::new(Decimal::new(10500, 3), Currency::EUR).expect("10.500 is 10.50");
    assert_eq!((m.to_string(), m.amount().scale()), ("10.50".to_owned(), 2));
    let whole = Money::new(Decimal::new(7, 0), Currency::BHD).expect("7 BHD");
    assert_eq!(
        (whole.to_string(), whole.amount().scale()),
        ("7.000".to_owned(), 3)
    );
    assert_eq!(
        Money::new(Decimal::new(10505, 3), Currency::EUR),
        Err(LedgerError::TooManyFractionDigits {
            currency: Currency::EUR,
            minor_units: 2
        })
    );
    assert_eq!(
        Money::new(Decimal::new(15, 1), Currency::JPY),
        Err(LedgerError::TooManyFractionDigits {
            currency: Currency::JPY,
            minor_units: 0
        })
    );
    assert_eq!(
        Money::new(Decimal::new(-1234, 3), Currency::KWD).map(|m| m.to_string()),
        Ok("-1.234".into())
    );
}

#[test]
fn new_refuses_amounts_that_cannot_carry_the_minor_digits() {
    // Decimal::MAX has scale 0; with two more digits it no longer fits.
    assert_eq!(
        Money::new(Decimal::MAX, Currency::EUR),
        Err(LedgerError::Overflow)
    );
    let yen = Money::new(Decimal::MAX, Currency::JPY).expect("JPY has no minor digits");
    assert_eq!(yen.to_minor_units(), Err(LedgerError::Overflow));
}

#[test]
fn parse_amount_accepts_plain_decimals() {
    let ok = |s: &str, c| parse(s, c).map(|m| m.to_string());
    assert_eq!(ok("10.5", Currency::EUR), Ok("10.50".into()));
    assert_eq!(ok("10", Currency::EUR), Ok("10.00".into()));
    assert_eq!(ok("007.10", Currency::EUR), Ok("7.10".into()));
    assert_eq!(ok("1500", Currency::JPY), Ok("1500".into()));
    assert_eq!(ok("0.001", Currency::BHD), Ok("0.001".into()));
    assert_eq!(ok("1000000.00", Currency::EUR), Ok("1000000.00".into()));
}

#[test]
fn parse_amount_refuses_empty_and_overlong_input() {
    assert_eq!(
        parse("", Currency::EUR),
        Err(LedgerError::InvalidAmount("the amount is empty".into()))
    );
    assert!(invalid_syntax(&"1".repeat(41)));
    // 40 characters pass the length check and then fail on the maximum.
    assert!(matches!(
        parse(&"1".repeat(40), Currency::EUR),
        Err(LedgerError::AboveMaximum { .. })
    ));
}

#[test]
fn parse_amount_refuses_signs() {
    for input in ["-1", "+1", "-0.50", "+10.00"] {
        assert!(invalid_syntax(input), "{input:?}");
    }
}

#[test]
fn parse_amount_refuses_exponents_whitespace_and_separators() {
    let inputs = [
        "1e3", "1E3", "1.5e2", " 1", "1 ", "1\t", "1\n", "1,00", "1_000", "1'000", "0x10", "abc",
        "１", "NaN",
    ];
    for input in inputs {
        assert!(invalid_syntax(input), "{input:?}");
    }
}

#[test]
fn parse_amount_refuses_a_bare_or_doubled_decimal_point() {
    for input in [".5", "5.", ".", "1.2.3", "1..2"] {
        assert!(invalid_syntax(input), "{input:?}");
    }
}

#[test]
fn parse_amount_refuses_more_fraction_digits_than_the_currency_has() {
    let too_many = |c: Currency| LedgerError::TooManyFractionDigits {
        currency: c,
        minor_units: c.minor_units(),
    };
    assert_eq!(parse("10.505", Currency::EUR), Err(too_many(Currency::EUR)));
    assert_eq!(parse("10.500", Currency::EUR), Err(too_many(Currency::EUR)));
    assert_eq!(parse("1.5", Currency::JPY), Err(too_many(Currency::JPY)));
    assert_eq!(parse("1.0001", Currency::KWD), Err(too_many(Currency::KWD)));
}

#[test]
fn parse_amount_refuses_zero() {
    for input in ["0", "0.00", "000", "0.0"] {
        assert_eq!(
            parse(input, Currency::EUR),
            Err(LedgerError::NotPositive),
            "{input:?}"
        );
    }
}

#[test]
fn parse_amount_refuses_amounts_above_the_maximum() {
    let above = Err(LedgerError::AboveMaximum { max: max() });
    assert_eq!(parse("1000000.01", Currency::EUR), above);
    // Beyond i128 and beyond Decimal: still "above the maximum", not a syntax error.
    assert_eq!(parse(&"9".repeat(39), Currency::EUR), above);
    assert_eq!(parse(&"9".repeat(30), Currency::EUR), above);
}

#[test]
fn every_parse_failure_has_a_message_for_the_user() {
    for input in ["", "-1", "1e3", ".5", "10.505", "0", "9999999"] {
        let err = parse(input, Currency::EUR).expect_err("refused");
        assert!(err.to_string().len() > 10, "{input:?}: {err}");
    }
}

#[test]
fn arithmetic_is_checked_and_single_currency() {
    let a = Money::from_minor_units(150, Currency::EUR);
    let b = Money::from_minor_units(50, Currency::EUR);
    assert_eq!(
        a.checked_add(&b),
        Ok(Money::from_minor_units(200, Currency::EUR))
    );
    assert_eq!(
        b.checked_sub(&a),
        Ok(Money::from_minor_units(-100, Currency::EUR))
    );
    assert_eq!(a.negated(), Money::from_minor_units(-150, Currency::EUR));
    let usd = Money::from_minor_units(1, Currency::USD);
    assert_eq!(
        a.checked_add(&usd),
        Err(LedgerError::CurrencyMismatch {
            expected: Currency::EUR,
            found: Currency::USD
        })
    );
    assert_eq!(
        a.checked_sub(&usd),
        Err(LedgerError::CurrencyMismatch {
            expected: Currency::EUR,
            found: Currency::USD
        })
    );
    let huge = Money::new(Decimal::MAX, Currency::JPY).expect("fits");
    assert_eq!(
        huge.checked_add(&Money::from_minor_units(1, Currency::JPY)),
        Err(LedgerError::Overflow)
    );
    assert_eq!(
        huge.negated()
            .checked_sub(&Money::from_minor_units(1, Currency::JPY)),
        Err(LedgerError::Overflow)
    );
}

fn currency() -> impl Strategy<Value = Currency> {
    proptest::sample::select(Currency::ALL.to_vec())
}

proptest! {
    #[test]
    fn minor_units_round_trip(units in any::<i64>(), c in currency()) {
        let money = Money::from_minor_units(units, c);
        prop_assert_eq!(money.to_minor_units(), Ok(units));
        prop_assert_eq!(money.amount().scale(), c.minor_units());
    }

    #[test]
    fn display_and_parse_amount_round_trip(units in 1i64.., c in currency()) {
        let money = Money::from_minor_units(units, c);
        prop_assert_eq!(Money::parse_amount(&money.to_string(), c, Decimal::MAX), Ok(money));
    }

    #[test]
    fn new_keeps_the_value_and_fixes_the_scale(mantissa in any::<i64>(), scale in 0u32..4, c in currency()) {
        let amount = Decimal::new(mantissa, scale);
        match Money::new(amount, c) {
            Ok(money) => {
                prop_assert_eq!(money.amount(), amount);
                prop_assert_eq!(money.amount().scale(), c.minor_units());
            }
            Err(e) => {
                prop_assert!(amount.normalize().scale() > c.minor_units());
                prop_assert_eq!(e, LedgerError::TooManyFractionDigits { currency: c, minor_units: c.minor_units() });
            }
        }
    }

    #[test]
    fn arithmetic_matches_integer_arithmetic(a in any::<i64>(), b in any::<i64>(), c in currency()) {
        let (ma, mb) = (Money::from_minor_units(a, c), Money::from_minor_units(b, c));
        let sum = ma.checked_add(&mb).map(|m| m.units());
        let difference = ma.checked_sub(&mb).map(|m| m.units());
        prop_assert_eq!(sum, Ok(i128::from(a) + i128::from(b)));
        prop_assert_eq!(difference, Ok(i128::from(a) - i128::from(b)));
    }
}
