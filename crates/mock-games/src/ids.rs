//! Fresh ids for one run: a transaction id is unique per (tenant, provider)
//! forever, so every run draws its own prefix and numbers its ids under it.

use uuid::Uuid;

/// Makes the transaction and round ids of one run.
#[derive(Debug, Clone)]
pub struct RunIds {
    run: String,
    transactions: u32,
    rounds: u32,
}

impl RunIds {
    /// Ids under a fresh time-ordered prefix (UUID v7), different on every run.
    pub fn fresh() -> Self {
        Self::with_prefix(&Uuid::now_v7().simple().to_string())
    }

    /// Ids under `run`, for tests that need them predictable.
    pub fn with_prefix(run: &str) -> Self {
        Self {
            run: run.to_owned(),
            transactions: 0,
            rounds: 0,
        }
    }

    /// The next transaction id, `mg-<run>-tx-<n>`.
    pub fn transaction(&mut self) -> String {
        self.transactions += 1;
        format!("mg-{}-tx-{}", self.run, self.transactions)
    }

    /// The next round id, `mg-<run>-round-<n>`.
    pub fn round(&mut self) -> String {
        self.rounds += 1;
        format!("mg-{}-round-{}", self.run, self.rounds)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn ids_are_numbered_under_the_run() {
        let mut ids = RunIds::with_prefix("r");
        assert_eq!(ids.transaction(), "mg-r-tx-1");
        assert_eq!(ids.transaction(), "mg-r-tx-2");
        assert_eq!(ids.round(), "mg-r-round-1");
        assert_eq!(ids.transaction(), "mg-r-tx-3");
    }

    #[test]
    fn two_runs_never_share_an_id() {
        let mut first = RunIds::fresh();
        let mut second = RunIds::fresh();
        let seen: HashSet<String> = (0..50)
            .flat_map(|_| [first.transaction(), first.round()])
            .collect();
        for _ in 0..50 {
            assert!(!seen.contains(&second.transaction()));
            assert!(!seen.contains(&second.round()));
        }
        assert!(
            seen.iter()
                .all(|id| id.len() <= 255 && id.bytes().all(|b| (0x21..=0x7e).contains(&b)))
        );
    }
}
