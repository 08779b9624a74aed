//! Rate limits, kept in memory (so each instance limits on its own, as the README says):
//! failed logins in a sliding window per email and client address, and ingestion requests
//! in a token bucket per API key (and per client address for those without a valid key).

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;
use std::net::IpAddr;
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

/// A token bucket per API key: `burst` requests at once, refilled at `per_second`.
pub type KeyRateLimiter = RateLimiter<i64>;

/// A token bucket per client address, for ingestion requests without a valid key.
pub type AddressRateLimiter = RateLimiter<IpAddr>;

/// Past this many buckets, the full ones (of senders quiet long enough to have refilled) are
/// dropped: a flood from many addresses cannot grow the map without bound.
const PRUNE_AT: usize = 10_000;

/// A token bucket per `K`: `burst` requests at once, refilled at `per_second`.
#[derive(Debug)]
pub struct RateLimiter<K> {
    per_second: f64,
    burst: f64,
    buckets: Mutex<HashMap<K, (f64, Instant)>>,
}

impl<K: Hash + Eq> RateLimiter<K> {
    pub fn new(per_second: u32, burst: u32) -> Self {
        Self { per_second: f64::from(per_second.max(1)), burst: f64::from(burst.max(1)), buckets: Mutex::new(HashMap::new()) }
    }

    /// Takes one token for `key`, or says how long until one is available.
    pub fn take(&self, key: K, now: Instant) -> Result<(), Duration> {
        let mut buckets = self.buckets.lock().expect("limiter lock");
        if buckets.len() >= PRUNE_AT {
            buckets.retain(|_, (tokens, last)| self.refilled(*tokens, *last, now) < self.burst);
        }
        let (tokens, last) = buckets.entry(key).or_insert((self.burst, now));
        let refilled = self.refilled(*tokens, *last, now);
        *last = now;
        if refilled >= 1.0 {
            *tokens = refilled - 1.0;
            Ok(())
        } else {
            *tokens = refilled;
            Err(Duration::from_secs_f64((1.0 - refilled) / self.per_second))
        }
    }

    fn refilled(&self, tokens: f64, last: Instant, now: Instant) -> f64 {
        (tokens + now.saturating_duration_since(last).as_secs_f64() * self.per_second).min(self.burst)
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
    fn a_key_gets_its_burst_then_waits_for_the_refill() {
        let limiter = KeyRateLimiter::new(2, 3);
        let start = Instant::now();
        for _ in 0..3 {
            assert_eq!(limiter.take(7, start), Ok(()));
        }
        let wait = limiter.take(7, start).unwrap_err();
        assert!(wait > Duration::ZERO && wait <= Duration::from_millis(500), "{wait:?}");
        assert_eq!(limiter.take(8, start), Ok(()), "keys have their own buckets");
        assert_eq!(limiter.take(7, start + Duration::from_millis(500)), Ok(()));
        assert!(limiter.take(7, start + Duration::from_millis(500)).is_err());
    }

    #[test]
    fn quiet_senders_are_forgotten_once_there_are_many() {
        let limiter = AddressRateLimiter::new(1, 1);
        let start = Instant::now();
        let address = |n: u32| IpAddr::from(std::net::Ipv4Addr::from(n));
        for n in 0..PRUNE_AT as u32 {
            assert_eq!(limiter.take(address(n), start), Ok(()));
        }
        assert!(limiter.take(address(0), start).is_err(), "still limited");
        let later = start + Duration::from_secs(2);
        assert_eq!(limiter.take(address(PRUNE_AT as u32), later), Ok(()));
        assert_eq!(limiter.buckets.lock().unwrap().len(), 1, "every refilled bucket was dropped");
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
