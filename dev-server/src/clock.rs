//! An injectable wall clock, so that session and code expiry can be tested without waiting,
//! and the ISO time format the API answers with.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

/// The clock the server reads for every expiry decision (connect sessions, pending OAuth flows,
/// authorization codes).
///
/// Defaults to the system clock. Tests use [`ManualClock`] to move time forward.
#[derive(Clone)]
pub struct Clock(Arc<dyn Fn() -> SystemTime + Send + Sync>);

impl Clock {
    /// The system wall clock.
    pub fn system() -> Self {
        Self(Arc::new(SystemTime::now))
    }

    /// A clock backed by any function.
    pub fn from_fn(now: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        Self(Arc::new(now))
    }

    /// The current time according to this clock.
    pub fn now(&self) -> SystemTime {
        (self.0)()
    }
}

impl Default for Clock {
    fn default() -> Self {
        Self::system()
    }
}

impl fmt::Debug for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Clock").field(&self.now()).finish()
    }
}

/// A clock that only moves when told to; clones share the same time.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use nango_dev_server::ManualClock;
///
/// let manual = ManualClock::new(SystemTime::UNIX_EPOCH);
/// let clock = manual.clock();
/// manual.advance(Duration::from_secs(31 * 60));
/// assert_eq!(clock.now(), SystemTime::UNIX_EPOCH + Duration::from_secs(31 * 60));
/// ```
#[derive(Clone, Debug)]
pub struct ManualClock(Arc<Mutex<SystemTime>>);

impl ManualClock {
    /// A manual clock starting at `start`.
    pub fn new(start: SystemTime) -> Self {
        Self(Arc::new(Mutex::new(start)))
    }

    /// A manual clock starting at the current system time.
    pub fn starting_now() -> Self {
        Self::new(SystemTime::now())
    }

    /// The current time of this clock.
    pub fn now(&self) -> SystemTime {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Moves the clock forward.
    pub fn advance(&self, by: Duration) {
        let mut now = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        *now += by;
    }

    /// Sets the clock to an absolute time.
    pub fn set(&self, to: SystemTime) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = to;
    }

    /// A [`Clock`] reading this manual clock, to put in
    /// [`DevServerConfig::clock`](crate::DevServerConfig::clock).
    pub fn clock(&self) -> Clock {
        let inner = self.clone();
        Clock::from_fn(move || inner.now())
    }
}

/// `2024-01-02T03:04:05.678Z`, as JavaScript's `toISOString`.
/// Times outside 1970..=9999 (which the format cannot show) are clamped to those years.
pub(crate) fn iso(t: SystemTime) -> String {
    // 9999-12-31T23:59:59.999Z
    let last = SystemTime::UNIX_EPOCH + Duration::from_millis(253_402_300_799_999);
    let t = t.clamp(SystemTime::UNIX_EPOCH, last);
    let mut out = String::new();
    let _ = std::fmt::Write::write_fmt(&mut out, format_args!("{}", humantime::format_rfc3339_millis(t)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_times_have_milliseconds() {
        assert_eq!(iso(SystemTime::UNIX_EPOCH), "1970-01-01T00:00:00.000Z");
    }

    #[test]
    fn iso_never_panics_past_year_9999() {
        let far = SystemTime::UNIX_EPOCH + Duration::from_secs(400_000_000_000);
        assert_eq!(iso(far), "9999-12-31T23:59:59.999Z");
    }
}
