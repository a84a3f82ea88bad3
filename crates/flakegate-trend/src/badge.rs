//! Shields-style badges for a README dashboard: a grey label, and the
//! newest value on the colour of its verdict. Written by hand: two
//! rectangles and two texts need no library. Text widths are estimated
//! (Verdana-like 11px); a viewer draws the text with its own font.

use flakegate_report::Status;

use crate::chart::status_color;
use crate::series::Series;

/// Blue: a figure no gate judged.
const INFO_COLOR: &str = "#2563eb";
const LABEL_COLOR: &str = "#555";

/// The metrics that get a badge: the dashboard's headline numbers.
pub const BADGED: [&str; 4] = ["closureSize", "evalTime", "hitRate", "buildTime"];

/// The badge of a series' newest point, if the series is one of [`BADGED`]
/// and has a point.
#[must_use]
pub fn of(series: &Series) -> Option<String> {
    if !BADGED.contains(&series.metric.as_str()) {
        return None;
    }
    let p = series.latest()?;
    let color = if p.limits.is_empty() {
        INFO_COLOR.to_owned()
    } else {
        hex(p.status)
    };
    Some(svg(&series.title(), &series.unit.value(p.value), &color))
}

fn hex(status: Status) -> String {
    let c = status_color(status);
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

/// Estimated width of `text` in 11px Verdana, plus padding.
fn width(text: &str) -> usize {
    let chars = text.chars().count();
    // About 7 px a character, 10 px of padding each side.
    chars * 7 + 20
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A badge `label | value`, the value's side filled with `color`.
#[must_use]
pub fn svg(label: &str, value: &str, color: &str) -> String {
    let (lw, vw) = (width(label), width(value));
    let total = lw + vw;
    let (label, value) = (escape(label), escape(value));
    let (lx, vx) = (lw / 2, lw + vw / 2);
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{total}" height="20" role="img" aria-label="{label}: {value}">
<title>{label}: {value}</title>
<linearGradient id="shade" x2="0" y2="100%"><stop offset="0" stop-color="#fff" stop-opacity=".15"/><stop offset="1" stop-opacity=".15"/></linearGradient>
<clipPath id="round"><rect width="{total}" height="20" rx="3"/></clipPath>
<g clip-path="url(#round)">
<rect width="{lw}" height="20" fill="{LABEL_COLOR}"/>
<rect x="{lw}" width="{vw}" height="20" fill="{color}"/>
<rect width="{total}" height="20" fill="url(#shade)"/>
</g>
<g fill="#fff" text-anchor="middle" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11">
<text x="{lx}" y="15" fill="#010101" fill-opacity=".3">{label}</text>
<text x="{lx}" y="14">{label}</text>
<text x="{vx}" y="15" fill="#010101" fill-opacity=".3">{value}</text>
<text x="{vx}" y="14">{value}</text>
</g>
</svg>
"##
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_badge_names_its_figure_and_escapes_text() {
        let b = svg("eval <time>", "1.2 s", "#dc2626");
        assert!(b.contains("eval &lt;time&gt;: 1.2 s"), "{b}");
        assert!(b.contains(r##"fill="#dc2626""##), "{b}");
        assert_eq!(hex(Status::Fail), "#dc2626");
    }
}
