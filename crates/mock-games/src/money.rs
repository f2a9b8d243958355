//! Amounts as Kasa writes them: decimal strings with exactly the currency's
//! minor-unit digits (`"10.50"` in EUR, `"10"` in JPY).

use std::str::FromStr;

use rust_decimal::Decimal;

/// A decimal as Kasa writes it: optional `-`, digits, optionally `.` and digits.
/// Returns the value and its number of fraction digits; `None` for anything else
/// (a number, an exponent, spaces, an empty string).
pub fn parse(text: &str) -> Option<(Decimal, u32)> {
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = match unsigned.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (unsigned, None),
    };
    let digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || fraction.is_some_and(|f| !digits(f)) {
        return None;
    }
    let scale = fraction.map_or(0, str::len);
    let value = Decimal::from_str(text).ok()?;
    Some((value, u32::try_from(scale).ok()?))
}

/// `value` written with exactly `scale` fraction digits (rounded half away from
/// zero when it has more).
pub fn format(value: Decimal, scale: u32) -> String {
    let mut written = value;
    written.rescale(scale);
    written.to_string()
}

/// `units` hundredths (`cents(250)` is 2.50), the simulator's amounts.
pub fn cents(units: i64) -> Decimal {
    Decimal::new(units, 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_kasa_amounts_with_their_digits() {
        assert_eq!(parse("10.50"), Some((cents(1050), 2)));
        assert_eq!(parse("0.00"), Some((Decimal::ZERO, 2)));
        assert_eq!(parse("-3.5"), Some((cents(-350), 1)));
        assert_eq!(parse("1000"), Some((Decimal::from(1000), 0)));
        assert_eq!(parse("1.250"), Some((Decimal::new(1250, 3), 3)));
    }

    #[test]
    fn refuses_what_kasa_never_writes() {
        for text in [
            "", "-", ".5", "5.", "1e3", " 1.00", "1.00 ", "+1.00", "1,00", "--1",
        ] {
            assert_eq!(parse(text), None, "{text:?}");
        }
    }

    #[test]
    fn formats_with_exactly_the_currency_digits() {
        assert_eq!(format(cents(250), 2), "2.50");
        assert_eq!(format(Decimal::from(25), 2), "25.00");
        assert_eq!(format(cents(100), 0), "1");
        assert_eq!(format(cents(250), 0), "3");
        assert_eq!(format(cents(100), 3), "1.000");
        assert_eq!(format(cents(-150), 2), "-1.50");
    }
}
