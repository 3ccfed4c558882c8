//! Times on the wire: RFC 3339 in UTC, written exactly as chrono's own `Serialize` writes them
//! (`2026-12-05T11:18:00Z`, a fraction of 3, 6 or 9 digits only when there is one), but into a
//! buffer and handed to the serializer as one string. chrono's `Serialize` goes through
//! `collect_str`, where every piece (a digit pair, a `-`) is a `fmt` call of its own and, in
//! serde_json, an escaping pass of its own; a list page has three times per row, 60 on a page of
//! 20, and they took 6 % of the service's CPU for the overview (D78).
//! Years outside 0–9999 and leap seconds are left to chrono.
use chrono::{DateTime, Datelike, Timelike, Utc};
use serde::{Serialize, Serializer};

/// `#[serde(serialize_with = "crate::rfc3339::serialize")]` for a `DateTime<Utc>`.
pub fn serialize<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    let mut buf = [0u8; 30];
    match write(t, &mut buf) {
        // only ASCII digits and separators were written
        Some(n) => match std::str::from_utf8(&buf[..n]) {
            Ok(text) => s.serialize_str(text),
            Err(_) => t.serialize(s),
        },
        None => t.serialize(s),
    }
}

/// The same for an `Option<DateTime<Utc>>` (`None` as chrono's: `null`).
pub fn serialize_opt<S: Serializer>(t: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => serialize(t, s),
        None => s.serialize_none(),
    }
}

/// Writes `t` into `buf`; the length, or `None` where chrono's own form differs from the
/// plain one (a year outside 0–9999, a leap second).
fn write(t: &DateTime<Utc>, buf: &mut [u8; 30]) -> Option<usize> {
    let year = t.year();
    let nano = t.nanosecond();
    if !(0..=9999).contains(&year) || nano >= 1_000_000_000 {
        return None;
    }
    let year = year as u32;
    digits(&mut buf[0..4], year);
    buf[4] = b'-';
    digits(&mut buf[5..7], t.month());
    buf[7] = b'-';
    digits(&mut buf[8..10], t.day());
    buf[10] = b'T';
    digits(&mut buf[11..13], t.hour());
    buf[13] = b':';
    digits(&mut buf[14..16], t.minute());
    buf[16] = b':';
    digits(&mut buf[17..19], t.second());
    let mut n = 19;
    if nano != 0 {
        let (value, width) = if nano.is_multiple_of(1_000_000) {
            (nano / 1_000_000, 3)
        } else if nano.is_multiple_of(1_000) {
            (nano / 1_000, 6)
        } else {
            (nano, 9)
        };
        buf[n] = b'.';
        digits(&mut buf[n + 1..n + 1 + width], value);
        n += 1 + width;
    }
    buf[n] = b'Z';
    Some(n + 1)
}

/// `value` in decimal, zero-padded to the width of `out` (its lowest digits if it has more).
fn digits(out: &mut [u8], mut value: u32) {
    for d in out.iter_mut().rev() {
        *d = b'0' + (value % 10) as u8;
        value /= 10;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[derive(Serialize)]
    struct Ours {
        #[serde(serialize_with = "serialize")]
        t: DateTime<Utc>,
        #[serde(serialize_with = "serialize_opt")]
        o: Option<DateTime<Utc>>,
    }

    #[derive(Serialize)]
    struct Chronos {
        t: DateTime<Utc>,
        o: Option<DateTime<Utc>>,
    }

    fn same(t: DateTime<Utc>, o: Option<DateTime<Utc>>) {
        let ours = serde_json::to_string(&Ours { t, o }).unwrap();
        let theirs = serde_json::to_string(&Chronos { t, o }).unwrap();
        assert_eq!(ours, theirs, "for {t:?} / {o:?}");
    }

    #[test]
    fn writes_every_time_exactly_as_chrono_does() {
        // the edges: every fraction width, midnight, the last instant of a year and of 9999,
        // the years chrono writes with a sign, and a leap second
        let base = Utc.with_ymd_and_hms(2026, 12, 5, 11, 18, 0).unwrap();
        for nanos in [
            0,
            1,
            999,
            1_000,
            1_000_000,
            123_000_000,
            123_456_000,
            123_456_789,
            999_999_999,
        ] {
            same(base + chrono::Duration::nanoseconds(nanos), None);
        }
        same(Utc.with_ymd_and_hms(0, 1, 1, 0, 0, 0).unwrap(), Some(base));
        same(
            Utc.with_ymd_and_hms(9999, 12, 31, 23, 59, 59).unwrap(),
            None,
        );
        same(Utc.with_ymd_and_hms(10000, 1, 1, 0, 0, 0).unwrap(), None);
        same(Utc.with_ymd_and_hms(-1, 6, 30, 12, 0, 0).unwrap(), None);
        let leap = chrono::NaiveDate::from_ymd_opt(2016, 12, 31)
            .and_then(|d| d.and_hms_nano_opt(23, 59, 59, 1_500_000_000))
            .unwrap()
            .and_utc();
        same(leap, Some(leap));
        // and a spread of ordinary times: every second of a day at a stride, with fractions
        let mut t = Utc.with_ymd_and_hms(1970, 1, 1, 0, 0, 0).unwrap();
        for i in 0..20_000i64 {
            t += chrono::Duration::seconds(7_919 * 13 + 1) + chrono::Duration::microseconds(i * 37);
            same(
                t,
                (i % 3 == 0).then_some(t + chrono::Duration::milliseconds(i)),
            );
        }
    }
}
