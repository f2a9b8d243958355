//! Storage's clock: the system clock, shifted by an offset tests can move
//! (cooling-off and rolling windows are tested without sleeping). Every
//! clone of a [`Db`](crate::Db) shares one clock.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, Duration, Utc};

/// The system clock plus a shared offset (zero unless a test moves it).
#[derive(Debug, Clone, Default)]
pub struct Clock {
    offset_ms: Arc<AtomicI64>,
}

impl Clock {
    /// Now: the system time plus the offset.
    pub fn now(&self) -> DateTime<Utc> {
        let now = Utc::now();
        let offset = Duration::milliseconds(self.offset_ms.load(Ordering::Relaxed));
        now.checked_add_signed(offset).unwrap_or(now)
    }

    /// Moves this clock (and every clone's) forward by `by` (back when
    /// negative), for tests.
    pub fn advance(&self, by: Duration) {
        self.offset_ms
            .fetch_add(by.num_milliseconds(), Ordering::Relaxed);
    }
}
