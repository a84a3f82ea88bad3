//! Numbers as every report prints them: sizes, counts, durations.

use bytesize::ByteSize;

/// `18.4 MiB`, IEC units.
#[must_use]
pub fn size(bytes: u64) -> String {
    ByteSize(bytes).display().iec().to_string()
}

/// `+1.2 MiB` / `-300 KiB`.
#[must_use]
pub fn signed_size(delta: i64) -> String {
    let sign = if delta < 0 { "-" } else { "+" };
    format!("{sign}{}", size(delta.unsigned_abs()))
}

/// `20,045`.
#[must_use]
pub fn count(n: u64) -> String {
    let digits = n.to_string().into_bytes();
    let groups: Vec<&str> = digits
        .rchunks(3)
        .rev()
        .map(|g| std::str::from_utf8(g).unwrap_or_default())
        .collect();
    groups.join(",")
}

/// `+212` / `-10` / `0`.
#[must_use]
pub fn signed_count(n: i64) -> String {
    match n {
        0 => "0".to_owned(),
        n if n > 0 => format!("+{}", count(n.unsigned_abs())),
        n => format!("-{}", count(n.unsigned_abs())),
    }
}

/// `812 µs`, `61.2 ms`, `1.234 s`, `75.0 s`.
#[must_use]
pub fn duration(seconds: f64) -> String {
    let s = seconds.abs();
    let text = if s < 1e-3 {
        format!("{:.0} µs", s * 1e6)
    } else if s < 1.0 {
        format!("{:.1} ms", s * 1e3)
    } else if s < 60.0 {
        format!("{s:.3} s")
    } else {
        format!("{s:.1} s")
    };
    if seconds < 0.0 {
        format!("-{text}")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_the_same_everywhere() {
        assert_eq!(size(1536), "1.5 KiB");
        assert_eq!(signed_size(-1536), "-1.5 KiB");
        assert_eq!(count(20_045), "20,045");
        assert_eq!(count(7), "7");
        assert_eq!(signed_count(-1234), "-1,234");
        assert_eq!(duration(0.0612), "61.2 ms");
        assert_eq!(duration(-75.0), "-75.0 s");
    }
}
