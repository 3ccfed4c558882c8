//! Retry policy for idempotent calls: exponential backoff with jitter, honouring `Retry-After`
//! up to a cap.
use reqwest::Method;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RetryPolicy {
    /// Attempts in total (1 = no retry).
    pub max_attempts: u32,
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// A `Retry-After` longer than this is not waited for: the error goes to the caller.
    pub retry_after_cap: Duration,
}

/// GET, HEAD, PUT, DELETE and OPTIONS may be repeated; POST and PATCH never.
pub(crate) fn is_idempotent(m: &Method) -> bool {
    matches!(
        *m,
        Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS
    )
}

impl RetryPolicy {
    /// The ceiling of the wait before attempt `attempt + 1` (attempt counts from 1):
    /// `base * 2^(attempt-1)`, capped at `max_delay`.
    pub fn ceiling(&self, attempt: u32) -> Duration {
        let factor = 1u32 << attempt.saturating_sub(1).min(16);
        self.base_delay.saturating_mul(factor).min(self.max_delay)
    }

    /// The wait before the next attempt after `attempt` failed, or `None` to give up.
    /// `jitter` in [0, 1] picks a point in the upper half of the window ("equal jitter"), so
    /// clients that failed together do not come back together.
    pub fn delay(
        &self,
        attempt: u32,
        retry_after: Option<Duration>,
        jitter: f64,
    ) -> Option<Duration> {
        if attempt >= self.max_attempts {
            return None;
        }
        if let Some(ra) = retry_after {
            return (ra <= self.retry_after_cap).then_some(ra);
        }
        let ceiling = self.ceiling(attempt);
        let half = ceiling / 2;
        Some(half + half.mul_f64(jitter.clamp(0.0, 1.0)))
    }
}

pub(crate) fn jitter() -> f64 {
    use rand::Rng;
    rand::thread_rng().gen_range(0.0..=1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_millis(500),
            retry_after_cap: Duration::from_secs(10),
        }
    }

    #[test]
    fn backoff_doubles_and_is_capped() {
        let p = RetryPolicy {
            max_attempts: 10,
            ..policy()
        };
        assert_eq!(p.ceiling(1), Duration::from_millis(200));
        assert_eq!(p.ceiling(2), Duration::from_millis(400));
        assert_eq!(p.ceiling(3), Duration::from_millis(500));
        assert_eq!(p.ceiling(40), Duration::from_millis(500));
    }

    #[test]
    fn jitter_stays_in_the_upper_half_of_the_window() {
        let p = policy();
        assert_eq!(p.delay(1, None, 0.0), Some(Duration::from_millis(100)));
        assert_eq!(p.delay(1, None, 1.0), Some(Duration::from_millis(200)));
        assert_eq!(p.delay(2, None, 0.5), Some(Duration::from_millis(300)));
        for _ in 0..100 {
            let d = p.delay(2, None, jitter()).unwrap_or_default();
            assert!(d >= Duration::from_millis(200) && d <= Duration::from_millis(400));
        }
    }

    #[test]
    fn at_most_three_attempts() {
        let p = policy();
        assert!(p.delay(1, None, 0.5).is_some());
        assert!(p.delay(2, None, 0.5).is_some());
        assert_eq!(p.delay(3, None, 0.5), None);
    }

    #[test]
    fn retry_after_is_honoured_up_to_the_cap() {
        let p = policy();
        assert_eq!(
            p.delay(1, Some(Duration::from_secs(3)), 0.5),
            Some(Duration::from_secs(3))
        );
        assert_eq!(p.delay(1, Some(Duration::from_secs(900)), 0.5), None);
        assert_eq!(p.delay(3, Some(Duration::from_secs(1)), 0.5), None);
    }

    #[test]
    fn only_idempotent_methods() {
        assert!(is_idempotent(&Method::GET));
        assert!(is_idempotent(&Method::PUT));
        assert!(is_idempotent(&Method::DELETE));
        assert!(!is_idempotent(&Method::POST));
        assert!(!is_idempotent(&Method::PATCH));
    }
}
