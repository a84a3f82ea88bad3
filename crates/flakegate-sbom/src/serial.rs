//! Reproducible identity and dates: the serial number is a name-based UUID
//! (version 5, RFC 9562) of the root, and the only date is
//! `SOURCE_DATE_EPOCH`'s, so the same input gives byte-identical output.

/// A version-5 UUID of `name` in RFC 9562's URL namespace (the name hashed
/// is a flakegate URL), lowercase and hyphenated.
#[must_use]
pub fn uuid_v5(name: &str) -> String {
    uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, name.as_bytes()).to_string()
}

/// `YYYY-MM-DDThh:mm:ssZ` (the form SPDX requires) of a Unix time.
#[must_use]
pub fn iso8601(epoch: i64) -> String {
    let days = epoch.div_euclid(86_400);
    let secs = epoch.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        (secs % 3600) / 60,
        secs % 60
    )
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's
/// well-known algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    (if m <= 2 { y + 1 } else { y }, m as u32, d as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_v5_agrees_with_pythons_uuid5() {
        // python3 -c 'import uuid; print(uuid.uuid5(uuid.NAMESPACE_URL, "https://example.org"))'
        assert_eq!(
            uuid_v5("https://example.org"),
            "0d092af3-c9f8-531f-9cc3-9db40a0750ef"
        );
        let u = uuid_v5("flakegate");
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "5");
        assert!(matches!(&u[19..20], "8" | "9" | "a" | "b"));
        assert_ne!(uuid_v5("a"), uuid_v5("b"));
    }

    #[test]
    fn dates() {
        assert_eq!(iso8601(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso8601(315_532_800), "1980-01-01T00:00:00Z");
        assert_eq!(iso8601(1_718_200_000), "2024-06-12T13:46:40Z");
        assert_eq!(iso8601(951_782_400), "2000-02-29T00:00:00Z");
    }
}
