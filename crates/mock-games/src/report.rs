//! What a run prints: one short line per call, and a summary. Never a secret
//! and never a whole token.

/// One call as printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallLine<'a> {
    /// The number of the call in this run.
    pub number: usize,
    /// `balance`, `bet`, `win` or `rollback`.
    pub action: &'a str,
    /// The amount sent (bets and wins).
    pub amount: Option<&'a str>,
    /// What the answer said (`ok`, `HTTP 401 invalid_signature`).
    pub verdict: &'a str,
    /// The answer's balance, if it had one.
    pub balance: Option<&'a str>,
    /// The wallet's currency.
    pub currency: &'a str,
    /// What the call is about (`round 3`, `duplicate 2/3`).
    pub note: &'a str,
}

impl CallLine<'_> {
    /// `mock-games: #4 bet 1.00 EUR -> ok, balance 24.00 EUR (round 2)`.
    pub fn render(&self) -> String {
        let amount = self
            .amount
            .map(|amount| format!(" {amount} {}", self.currency))
            .unwrap_or_default();
        let balance = self
            .balance
            .map(|balance| format!(", balance {balance} {}", self.currency))
            .unwrap_or_default();
        format!(
            "mock-games: #{} {}{amount} -> {}{balance} ({})",
            self.number, self.action, self.verdict, self.note
        )
    }
}

/// `mock-games: 10 rounds, 23 calls, balance 97.50 EUR, all answers as expected`:
/// the last line of a run that passed (the smoke reads the balance from it).
pub fn summary(rounds: u32, calls: usize, balance: &str, currency: &str) -> String {
    format!(
        "mock-games: {rounds} rounds, {calls} calls, balance {balance} {currency}, all answers as expected"
    )
}

/// The balance and currency of a [`summary`] line, if `line` is one.
pub fn summary_balance(line: &str) -> Option<(&str, &str)> {
    let rest = line.strip_prefix("mock-games: ")?;
    let rest = rest.strip_suffix(", all answers as expected")?;
    let (_, balance) = rest.rsplit_once(", balance ")?;
    balance.split_once(' ')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_is_one_short_line() {
        let line = CallLine {
            number: 4,
            action: "bet",
            amount: Some("1.00"),
            verdict: "ok",
            balance: Some("24.00"),
            currency: "EUR",
            note: "round 2",
        };
        assert_eq!(
            line.render(),
            "mock-games: #4 bet 1.00 EUR -> ok, balance 24.00 EUR (round 2)"
        );
        let problem = CallLine {
            number: 9,
            action: "balance",
            amount: None,
            verdict: "HTTP 401 invalid_signature",
            balance: None,
            currency: "EUR",
            note: "bad signature",
        };
        assert_eq!(
            problem.render(),
            "mock-games: #9 balance -> HTTP 401 invalid_signature (bad signature)"
        );
    }

    #[test]
    fn the_summary_carries_the_final_balance() {
        let line = summary(10, 23, "97.50", "EUR");
        assert_eq!(
            line,
            "mock-games: 10 rounds, 23 calls, balance 97.50 EUR, all answers as expected"
        );
        assert_eq!(summary_balance(&line), Some(("97.50", "EUR")));
        assert_eq!(summary_balance("mock-games: #4 bet 1.00 EUR -> ok"), None);
        assert_eq!(
            summary_balance("mock-games: 1 rounds, 2 calls, balance 1.00 EUR"),
            None
        );
    }
}
