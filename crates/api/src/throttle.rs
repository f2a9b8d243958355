//! Login and registration limits (GCRA from `governor`, in memory per instance).
//!
//! Failed logins are counted per account and per client IP; once a key runs
//! out it is blocked until the limiter would admit it again, and while blocked
//! even a correct password is refused, so an attacker cannot probe the limit.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::problem::ApiError;

/// Most blocked keys remembered before expired ones are swept.
const BLOCKED_KEYS_SWEEP_AT: usize = 10_000;

/// The limiters of one server instance.
pub struct Throttle {
    login_failures: DefaultKeyedRateLimiter<String>,
    registrations: DefaultKeyedRateLimiter<String>,
    blocked_until: Mutex<HashMap<String, Instant>>,
    clock: DefaultClock,
}

impl Throttle {
    /// `failures_max` failed logins per `window`; `registrations_per_minute` per IP.
    pub fn new(failures_max: u32, window: Duration, registrations_per_minute: u32) -> Self {
        let failures = NonZeroU32::new(failures_max.max(1)).unwrap_or(NonZeroU32::MIN);
        let period = window
            .checked_div(failures.get())
            .unwrap_or(window)
            .max(Duration::from_millis(1));
        let login_quota = Quota::with_period(period)
            .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
            .allow_burst(failures);
        let registrations =
            NonZeroU32::new(registrations_per_minute.max(1)).unwrap_or(NonZeroU32::MIN);
        Self {
            login_failures: RateLimiter::keyed(login_quota),
            registrations: RateLimiter::keyed(Quota::per_minute(registrations)),
            blocked_until: Mutex::new(HashMap::new()),
            clock: DefaultClock::default(),
        }
    }

    /// Refuses a login attempt while any of `keys` is blocked.
    pub fn check_login(&self, keys: &[String]) -> Result<(), ApiError> {
        let now = Instant::now();
        let blocked = self.blocked_until.lock().unwrap_or_else(|e| e.into_inner());
        let wait = keys
            .iter()
            .filter_map(|k| blocked.get(k))
            .filter(|until| **until > now)
            .map(|until| *until - now)
            .max();
        match wait {
            Some(wait) => Err(rate_limited(wait)),
            None => Ok(()),
        }
    }

    /// Counts a failed login against every key; blocks those that ran out.
    pub fn record_failure(&self, keys: &[String]) -> Result<(), ApiError> {
        let mut longest: Option<Duration> = None;
        for key in keys {
            if let Err(not_until) = self.login_failures.check_key(key) {
                let wait = not_until.wait_time_from(self.clock.now());
                self.block(key, wait);
                longest = Some(longest.map_or(wait, |w| w.max(wait)));
            }
        }
        match longest {
            Some(wait) => Err(rate_limited(wait)),
            None => Ok(()),
        }
    }

    /// Counts a registration from `ip`.
    pub fn check_registration(&self, ip: &str) -> Result<(), ApiError> {
        self.registrations
            .check_key(&ip.to_owned())
            .map_err(|not_until| rate_limited(not_until.wait_time_from(self.clock.now())))
    }

    fn block(&self, key: &str, wait: Duration) {
        let now = Instant::now();
        let mut blocked = self.blocked_until.lock().unwrap_or_else(|e| e.into_inner());
        if blocked.len() >= BLOCKED_KEYS_SWEEP_AT {
            blocked.retain(|_, until| *until > now);
            self.login_failures.retain_recent();
            self.registrations.retain_recent();
        }
        blocked.insert(key.to_owned(), now + wait);
    }
}

fn rate_limited(wait: Duration) -> ApiError {
    ApiError::RateLimited {
        retry_after_s: wait.as_secs().max(1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> Vec<String> {
        vec!["ip:1.2.3.4".into(), "admin:a@b.c".into()]
    }

    #[test]
    fn blocks_after_the_allowed_failures_and_then_refuses_everything() {
        let throttle = Throttle::new(3, Duration::from_secs(900), 60);
        for _ in 0..3 {
            assert!(throttle.check_login(&keys()).is_ok());
            assert!(throttle.record_failure(&keys()).is_ok());
        }
        assert!(matches!(
            throttle.record_failure(&keys()),
            Err(ApiError::RateLimited { retry_after_s }) if retry_after_s >= 1
        ));
        assert!(matches!(
            throttle.check_login(&keys()),
            Err(ApiError::RateLimited { .. })
        ));
        let other = vec!["ip:9.9.9.9".to_owned()];
        assert!(throttle.check_login(&other).is_ok());
    }

    #[test]
    fn registrations_are_limited_per_ip() {
        let throttle = Throttle::new(10, Duration::from_secs(900), 2);
        assert!(throttle.check_registration("1.1.1.1").is_ok());
        assert!(throttle.check_registration("1.1.1.1").is_ok());
        assert!(matches!(
            throttle.check_registration("1.1.1.1"),
            Err(ApiError::RateLimited { .. })
        ));
        assert!(throttle.check_registration("2.2.2.2").is_ok());
    }
}
