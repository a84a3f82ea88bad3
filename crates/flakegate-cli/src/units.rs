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

/// Parses `120s`, `2m`, `1h30m`, `1.5s`, `500ms` or plain seconds (`90`).
pub fn parse_duration(s: &str) -> Result<f64, String> {
    let bad = || format!("{s:?} is not a duration (examples: 120s, 2m, 1h30m, 90)");
    let t = s.trim();
    if let Ok(v) = t.parse::<f64>() {
        return (v.is_finite() && v >= 0.0).then_some(v).ok_or_else(bad);
    }
    let mut total = 0.0;
    let mut rest = t;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(bad)?;
        let value: f64 = rest[..digits].parse().map_err(|_| bad())?;
        rest = &rest[digits..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let factor = match &rest[..unit_len] {
            "ms" => 0.001,
            "s" => 1.0,
            "m" | "min" => 60.0,
            "h" => 3600.0,
            _ => return Err(bad()),
        };
        total += value * factor;
        rest = &rest[unit_len..];
    }
    Ok(total)
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
    fn durations() {
        assert_eq!(parse_duration("120s"), Ok(120.0));
        assert_eq!(parse_duration("2m"), Ok(120.0));
        assert_eq!(parse_duration("1h30m"), Ok(5400.0));
        assert_eq!(parse_duration("500ms"), Ok(0.5));
        assert_eq!(parse_duration("90"), Ok(90.0));
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("5x").is_err());
        assert!(parse_duration("-3").is_err());
    }

    #[test]
    fn percentages() {
        assert_eq!(parse_percent("5%"), Ok(5.0));
        assert_eq!(parse_percent("0.5"), Ok(0.5));
        assert!(parse_percent("-1%").is_err());
        assert!(parse_percent("x").is_err());
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn a_byte_count_is_itself(n in any::<u64>()) {
                prop_assert_eq!(parse_size(&n.to_string()), Ok(n));
            }

            #[test]
            fn units_multiply(n in 0u64..1_000_000, unit in 0usize..6, space in any::<bool>()) {
                let (name, factor) =
                    [("KiB", 1u64 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30), ("KB", 1000), ("MB", 1_000_000), ("GB", 1_000_000_000)][unit];
                let text = format!("{n}{}{name}", if space { " " } else { "" });
                prop_assert_eq!(parse_size(&text), Ok(n * factor));
            }

            #[test]
            fn any_size_text_is_read_or_refused(s in "[0-9. ]{0,30}[a-zA-Z]{0,4}|.{0,30}") {
                let _ = parse_size(&s);
            }

            #[test]
            fn a_percentage_is_its_number(x in 0.0f64..1e9, sign in any::<bool>()) {
                let text = format!("{x}{}", if sign { "%" } else { "" });
                prop_assert_eq!(parse_percent(&text), Ok(x));
            }

            #[test]
            fn percentages_read_are_finite_and_not_negative(s in "-?[0-9]{0,400}(\\.[0-9]{0,5})?%?|.{0,20}") {
                if let Ok(v) = parse_percent(&s) {
                    prop_assert!(v.is_finite() && v >= 0.0, "{s:?} read as {v}");
                }
            }
        }
    }
}
