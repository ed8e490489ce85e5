//! The signing time, in the two forms SigV4 writes: `YYYYMMDD'T'HHMMSS'Z'` and `YYYYMMDD`.

use crate::SigningError;
use std::time::{SystemTime, UNIX_EPOCH};

/// A UTC instant with one-second precision, the resolution SigV4 signs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SigningTime {
    unix_seconds: i64,
}

impl SigningTime {
    /// The time `unix_seconds` after 1970-01-01T00:00:00Z.
    pub const fn from_unix_seconds(unix_seconds: i64) -> Self {
        Self { unix_seconds }
    }

    /// The current time.
    pub fn now() -> Self {
        Self::from(SystemTime::now())
    }

    /// Seconds since the Unix epoch.
    pub const fn unix_seconds(self) -> i64 {
        self.unix_seconds
    }

    /// Parses the `X-Amz-Date` form, e.g. `20150830T123600Z`.
    pub fn parse_amz_date(text: &str) -> Result<Self, SigningError> {
        let invalid = || SigningError::InvalidTime(text.to_owned());
        let bytes = text.as_bytes();
        if bytes.len() != 16 || bytes[8] != b'T' || bytes[15] != b'Z' {
            return Err(invalid());
        }
        let number = |range: std::ops::Range<usize>| -> Result<i64, SigningError> {
            let digits = &text[range];
            if !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(invalid());
            }
            digits.parse().map_err(|_| invalid())
        };
        let (year, month, day) = (number(0..4)?, number(4..6)?, number(6..8)?);
        let (hour, minute, second) = (number(9..11)?, number(11..13)?, number(13..15)?);
        let valid = (1..=12).contains(&month)
            && (1..=days_in_month(year, month)).contains(&day)
            && hour < 24
            && minute < 60
            && second < 60;
        if !valid {
            return Err(invalid());
        }
        let days = days_from_civil(year, month, day);
        Ok(Self::from_unix_seconds(days * 86_400 + hour * 3_600 + minute * 60 + second))
    }

    /// `YYYYMMDD'T'HHMMSS'Z'`, the `X-Amz-Date` value.
    pub fn amz_date(self) -> AmzDate {
        let days = self.unix_seconds.div_euclid(86_400);
        let seconds_of_day = self.unix_seconds.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        let mut out = *b"00000000T000000Z";
        write_digits(&mut out[0..4], year.clamp(0, 9999));
        write_digits(&mut out[4..6], month);
        write_digits(&mut out[6..8], day);
        write_digits(&mut out[9..11], seconds_of_day / 3_600);
        write_digits(&mut out[11..13], seconds_of_day / 60 % 60);
        write_digits(&mut out[13..15], seconds_of_day % 60);
        AmzDate(out)
    }
}

impl From<SystemTime> for SigningTime {
    fn from(time: SystemTime) -> Self {
        let unix_seconds = match time.duration_since(UNIX_EPOCH) {
            Ok(after) => i64::try_from(after.as_secs()).unwrap_or(i64::MAX),
            Err(before) => -i64::try_from(before.duration().as_secs()).unwrap_or(i64::MAX),
        };
        Self { unix_seconds }
    }
}

/// The 16 ASCII bytes of an `X-Amz-Date` value; its first eight are the credential-scope date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AmzDate([u8; 16]);

impl AmzDate {
    /// The whole value, e.g. `20150830T123600Z`.
    pub fn as_str(&self) -> &str {
        // Only ASCII digits, 'T' and 'Z' are ever written.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// The date part, e.g. `20150830`.
    pub fn date(&self) -> &str {
        &self.as_str()[..8]
    }
}

impl std::fmt::Display for AmzDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

fn write_digits(out: &mut [u8], mut value: i64) {
    for slot in out.iter_mut().rev() {
        *slot = b'0' + (value % 10) as u8;
        value /= 10;
    }
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Howard Hinnant's civil-calendar algorithms (public domain).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_index = (month + 9) % 12;
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era = (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 { month_index + 3 } else { month_index - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses() {
        let time = SigningTime::parse_amz_date("20150830T123600Z").unwrap();
        assert_eq!(time.unix_seconds(), 1_440_938_160);
        assert_eq!(time.amz_date().as_str(), "20150830T123600Z");
        assert_eq!(time.amz_date().date(), "20150830");
        let leap = SigningTime::parse_amz_date("20240229T235959Z").unwrap();
        assert_eq!(leap.amz_date().as_str(), "20240229T235959Z");
        assert_eq!(SigningTime::from_unix_seconds(0).amz_date().as_str(), "19700101T000000Z");
    }

    #[test]
    fn rejects_bad_dates() {
        for bad in
            ["", "20150830", "20150230T000000Z", "20151330T000000Z", "2015083OT123600Z", "20150830T246000Z"]
        {
            assert!(SigningTime::parse_amz_date(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn round_trips_many_days() {
        for day in (-800_000..800_000).step_by(997) {
            let time = SigningTime::from_unix_seconds(day * 86_400 + 3_723);
            if (0..=9999).contains(&civil_from_days(day).0) {
                let text = time.amz_date();
                assert_eq!(SigningTime::parse_amz_date(text.as_str()).unwrap(), time);
            }
        }
    }
}
