//! Sizes and percentages as users type them; `flakegate_report::units`
//! prints them.

use bytesize::ByteSize;

/// Parses `15GiB`, `15 GiB`, `500MB` (decimal) or a plain byte count.
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    if let Ok(n) = t.parse::<u64>() {
        return Ok(n);
    }
    t.parse::<ByteSize>()
        .map(|b| b.as_u64())
        .map_err(|_| format!("{s:?} is not a size (examples: 15GiB, 800MiB, 1500000000)"))
}

/// Parses `5%`, `5` or `0.5%` as a percentage.
pub fn parse_percent(s: &str) -> Result<f64, String> {
    let t = s.trim();
    let t = t.strip_suffix('%').unwrap_or(t).trim();
    match t.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
        _ => Err(format!("{s:?} is not a percentage (example: 5%)")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("15GiB"), Ok(15 * 1024 * 1024 * 1024));
        assert_eq!(parse_size("15 GiB"), Ok(15 * 1024 * 1024 * 1024));
        assert_eq!(parse_size("2MB"), Ok(2_000_000));
        assert_eq!(parse_size("1234"), Ok(1234));
        assert!(parse_size("lots").is_err());
    }

    #[test]
    fn percentages() {
        assert_eq!(parse_percent("5%"), Ok(5.0));
        assert_eq!(parse_percent("0.5"), Ok(0.5));
        assert!(parse_percent("-1%").is_err());
        assert!(parse_percent("x").is_err());
    }
}
