//! Circuit breaker over connection-level failures.
//!
//! Closed: every call goes through; `threshold` consecutive connection failures open it.
//! Open: calls fail fast until the cool-down has passed; then exactly one call goes through as
//! a probe (half-open). The probe's success closes the breaker; its failure opens it again
//! with twice the cool-down (up to `max_cooldown`). Any HTTP answer counts as success: the
//! service is reachable, whatever it said.
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BreakerSettings {
    pub threshold: u32,
    pub cooldown: Duration,
    pub max_cooldown: Duration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Admission {
    /// Closed: go ahead.
    Pass,
    /// Half-open: go ahead as the one probe; report the outcome.
    Probe,
    /// Open: fail fast; this long is left of the cool-down (zero while a probe is out).
    Reject(Duration),
}

#[derive(Debug)]
pub(crate) struct Breaker {
    settings: BreakerSettings,
    consecutive_failures: u32,
    /// Set while open (and half-open).
    open_until: Option<Instant>,
    /// The cool-down used for the current (or next) open period.
    cooldown: Duration,
    probe_out: bool,
}

impl Breaker {
    pub fn new(settings: BreakerSettings) -> Self {
        Breaker {
            settings,
            consecutive_failures: 0,
            open_until: None,
            cooldown: settings.cooldown,
            probe_out: false,
        }
    }

    pub fn admit(&mut self, now: Instant) -> Admission {
        match self.open_until {
            None => Admission::Pass,
            Some(until) if now < until => Admission::Reject(until - now),
            Some(_) if self.probe_out => Admission::Reject(Duration::ZERO),
            Some(_) => {
                self.probe_out = true;
                Admission::Probe
            }
        }
    }

    /// The service answered.
    pub fn success(&mut self) {
        self.consecutive_failures = 0;
        self.open_until = None;
        self.probe_out = false;
        self.cooldown = self.settings.cooldown;
    }

    /// A connection-level failure (refused, timeout, reset, DNS, TLS).
    pub fn failure(&mut self, now: Instant) {
        self.consecutive_failures = self.consecutive_failures.saturating_add(1);
        if self.open_until.is_some() {
            // the probe (or a call admitted before the breaker opened) failed: open again, longer
            if self.probe_out {
                self.cooldown = (self.cooldown * 2).min(self.settings.max_cooldown);
                self.probe_out = false;
            }
            self.open_until = Some(now + self.cooldown);
        } else if self.consecutive_failures >= self.settings.threshold.max(1) {
            self.cooldown = self.settings.cooldown;
            self.open_until = Some(now + self.cooldown);
        }
    }

    /// A probe ended without an outcome (the caller dropped it): let the next call probe.
    pub fn probe_abandoned(&mut self) {
        self.probe_out = false;
    }

    pub fn is_open(&self) -> bool {
        self.open_until.is_some()
    }

    pub fn is_reachable(&self) -> bool {
        self.consecutive_failures == 0 && self.open_until.is_none()
    }

    #[cfg(test)]
    pub fn cooldown(&self) -> Duration {
        self.cooldown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn breaker() -> Breaker {
        Breaker::new(BreakerSettings {
            threshold: 3,
            cooldown: Duration::from_secs(2),
            max_cooldown: Duration::from_secs(60),
        })
    }

    #[test]
    fn opens_after_three_failures_and_fails_fast() {
        let mut b = breaker();
        let t = Instant::now();
        for _ in 0..2 {
            assert_eq!(b.admit(t), Admission::Pass);
            b.failure(t);
            assert!(!b.is_open());
            assert!(!b.is_reachable());
        }
        b.failure(t);
        assert!(b.is_open());
        assert_eq!(
            b.admit(t + Duration::from_secs(1)),
            Admission::Reject(Duration::from_secs(1))
        );
    }

    #[test]
    fn one_probe_after_the_cooldown_success_closes() {
        let mut b = breaker();
        let t = Instant::now();
        for _ in 0..3 {
            b.failure(t);
        }
        let later = t + Duration::from_secs(2);
        assert_eq!(b.admit(later), Admission::Probe);
        // a second caller while the probe is out fails fast
        assert_eq!(b.admit(later), Admission::Reject(Duration::ZERO));
        b.success();
        assert!(!b.is_open());
        assert!(b.is_reachable());
        assert_eq!(b.admit(later), Admission::Pass);
    }

    #[test]
    fn failed_probes_double_the_cooldown_up_to_the_max() {
        let mut b = breaker();
        let mut t = Instant::now();
        for _ in 0..3 {
            b.failure(t);
        }
        let mut expected = 2;
        for _ in 0..10 {
            assert_eq!(b.cooldown(), Duration::from_secs(expected));
            t += b.cooldown();
            assert_eq!(b.admit(t), Admission::Probe);
            b.failure(t);
            expected = (expected * 2).min(60);
        }
        assert_eq!(b.cooldown(), Duration::from_secs(60));
        b.success();
        assert_eq!(b.cooldown(), Duration::from_secs(2));
    }

    #[test]
    fn an_abandoned_probe_lets_the_next_call_probe() {
        let mut b = breaker();
        let t = Instant::now();
        for _ in 0..3 {
            b.failure(t);
        }
        let later = t + Duration::from_secs(3);
        assert_eq!(b.admit(later), Admission::Probe);
        b.probe_abandoned();
        assert_eq!(b.admit(later), Admission::Probe);
    }

    #[test]
    fn a_success_in_between_resets_the_count() {
        let mut b = breaker();
        let t = Instant::now();
        b.failure(t);
        b.failure(t);
        b.success();
        b.failure(t);
        b.failure(t);
        assert!(!b.is_open());
    }
}
