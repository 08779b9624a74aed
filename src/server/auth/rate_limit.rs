//! Failed-login limiting: a sliding window of failures per email and per client address.
//! Kept in memory, so each instance limits on its own (documented in the README).

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub const WINDOW: Duration = Duration::from_secs(15 * 60);

#[derive(Debug)]
pub struct LoginLimiter {
    max_failures: usize,
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl LoginLimiter {
    pub fn new(max_failures: u32) -> Self {
        Self { max_failures: max_failures.max(1) as usize, failures: Mutex::new(HashMap::new()) }
    }

    /// `Some(wait)` when any of `keys` has used up its failures in the window.
    pub fn blocked_for(&self, keys: &[&str], now: Instant) -> Option<Duration> {
        let mut failures = self.failures.lock().expect("limiter lock");
        keys.iter()
            .filter_map(|key| {
                let times = failures.get_mut(*key)?;
                while times.front().is_some_and(|t| now.duration_since(*t) >= WINDOW) {
                    times.pop_front();
                }
                (times.len() >= self.max_failures).then(|| WINDOW - now.duration_since(times[0]))
            })
            .max()
    }

    pub fn record_failure(&self, keys: &[&str], now: Instant) {
        let mut failures = self.failures.lock().expect("limiter lock");
        if failures.len() > 100_000 {
            failures.retain(|_, times| times.back().is_some_and(|t| now.duration_since(*t) < WINDOW));
        }
        for key in keys {
            failures.entry((*key).to_string()).or_default().push_back(now);
        }
    }

    pub fn clear(&self, keys: &[&str]) {
        let mut failures = self.failures.lock().expect("limiter lock");
        for key in keys {
            failures.remove(*key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_after_the_limit_and_forgives_after_the_window() {
        let limiter = LoginLimiter::new(3);
        let start = Instant::now();
        for _ in 0..3 {
            assert_eq!(limiter.blocked_for(&["email:a"], start), None);
            limiter.record_failure(&["email:a", "ip:1"], start);
        }
        assert!(limiter.blocked_for(&["email:a"], start).is_some());
        assert!(limiter.blocked_for(&["email:b", "ip:1"], start).is_some(), "the address is limited too");
        assert_eq!(limiter.blocked_for(&["email:a"], start + WINDOW), None);
    }

    #[test]
    fn success_clears_the_email() {
        let limiter = LoginLimiter::new(1);
        let now = Instant::now();
        limiter.record_failure(&["email:a"], now);
        limiter.clear(&["email:a"]);
        assert_eq!(limiter.blocked_for(&["email:a"], now), None);
    }
}
