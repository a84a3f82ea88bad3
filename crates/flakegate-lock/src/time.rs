//! Dates and durations: `lastModified` seconds as UTC dates, ages as days,
//! and the `90d` / `2024-06-01` forms users write.

/// Seconds in a day.
pub const DAY: i64 = 86_400;

/// `YYYY-MM-DD` (UTC) of a Unix time.
pub fn date(unix: i64) -> String {
    let (y, m, d) = civil_from_days(unix.div_euclid(DAY));
    format!("{y:04}-{m:02}-{d:02}")
}

/// A duration in seconds, in whole days, or hours when under a day.
pub fn age(seconds: i64) -> String {
    let sign = if seconds < 0 { "-" } else { "" };
    let s = seconds.unsigned_abs();
    let day = DAY.unsigned_abs();
    if s >= day {
        let days = s / day;
        format!("{sign}{days} day{}", if days == 1 { "" } else { "s" })
    } else {
        let hours = s / 3600;
        format!("{sign}{hours} hour{}", if hours == 1 { "" } else { "s" })
    }
}

/// Reads a duration: `90d`, `12w`, `36h`, `3600s`; a bare number is days.
pub fn parse_duration(text: &str) -> Result<i64, String> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, unit) = t.split_at(split);
    let n: i64 = digits
        .parse()
        .map_err(|_| format!("`{text}` is not a duration such as 90d, 12w or 36h"))?;
    let scale = match unit.trim() {
        "" | "d" | "day" | "days" => DAY,
        "w" | "week" | "weeks" => 7 * DAY,
        "h" | "hour" | "hours" => 3600,
        "s" => 1,
        _ => {
            return Err(format!(
                "`{text}` is not a duration such as 90d, 12w or 36h"
            ));
        }
    };
    n.checked_mul(scale)
        .ok_or_else(|| format!("`{text}` is too long a duration"))
}

/// Reads a point in time: Unix seconds, `YYYY-MM-DD` or
/// `YYYY-MM-DDTHH:MM:SSZ` (UTC), or `@SECONDS` as `date` writes them.
pub fn parse_time(text: &str) -> Result<i64, String> {
    let t = text.trim().trim_start_matches('@');
    let bad =
        || format!("`{text}` is not a time: use Unix seconds, YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ");
    if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
        return t.parse().map_err(|_| bad());
    }
    let (day, clock) = match t.split_once(['T', ' ']) {
        Some((d, c)) => (d, Some(c.trim_end_matches('Z'))),
        None => (t, None),
    };
    let mut ymd = day.split('-').map(str::parse::<i64>);
    let (Some(Ok(y)), Some(Ok(m)), Some(Ok(d)), None) =
        (ymd.next(), ymd.next(), ymd.next(), ymd.next())
    else {
        return Err(bad());
    };
    if !(1..=9999).contains(&y) || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return Err(bad());
    }
    let mut seconds = days_from_civil(y, m, d) * DAY;
    if let Some(c) = clock {
        let mut hms = c.split(':').map(str::parse::<i64>);
        let (Some(Ok(h)), Some(Ok(mi)), s) = (hms.next(), hms.next(), hms.next()) else {
            return Err(bad());
        };
        let s = match s {
            None => 0,
            Some(Ok(s)) => s,
            Some(Err(_)) => return Err(bad()),
        };
        if !(0..24).contains(&h) || !(0..60).contains(&mi) || !(0..=60).contains(&s) {
            return Err(bad());
        }
        seconds += h * 3600 + mi * 60 + s;
    }
    Ok(seconds)
}

// The proleptic Gregorian calendar by eras of 400 years (146,097 days).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip() {
        assert_eq!(date(0), "1970-01-01");
        assert_eq!(date(1_709_251_200), "2024-03-01");
        assert_eq!(date(951_782_400), "2000-02-29");
        for day in (0..2_000_000).step_by(997) {
            let s = day * DAY;
            assert_eq!(parse_time(&date(s)), Ok(s), "{}", date(s));
        }
        assert_eq!(parse_time("2024-03-01T01:02:03Z"), Ok(1_709_251_200 + 3723));
        assert_eq!(parse_time("@1700000000"), Ok(1_700_000_000));
        assert!(parse_time("2024-13-01").is_err());
        assert!(parse_time("yesterday").is_err());
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90d"), Ok(90 * DAY));
        assert_eq!(parse_duration("2w"), Ok(14 * DAY));
        assert_eq!(parse_duration("36h"), Ok(36 * 3600));
        assert_eq!(parse_duration("30"), Ok(30 * DAY));
        assert!(parse_duration("3 fortnights").is_err());
        assert!(parse_duration("99999999999999999999d").is_err());
        assert_eq!(age(3 * DAY + 5), "3 days");
        assert_eq!(age(7200), "2 hours");
        assert_eq!(age(-DAY), "-1 day");
    }
}
