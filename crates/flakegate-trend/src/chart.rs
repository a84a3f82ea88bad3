//! One SVG chart per series, drawn with plotters' SVG backend: the values
//! as a line with a dot per run (coloured by the run's verdict and labelled
//! with its short commit), each gate's limit as a step line across the runs,
//! the axes titled with their units.
//!
//! The SVG backend writes text as `<text>` elements and needs no font file;
//! plotters only estimates text widths for the layout.

use flakegate_report::{GateId, Status};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::scale::scale;
use crate::series::{Series, short_commit};

pub const WIDTH: u32 = 720;
pub const HEIGHT: u32 = 400;

/// The line joining the values.
pub const VALUE_COLOR: RGBColor = RGBColor(37, 99, 235);
/// A limit that fails the run when crossed, and a run that failed.
pub const FAIL_COLOR: RGBColor = RGBColor(220, 38, 38);
/// A warning threshold, and a run that warned.
pub const WARN_COLOR: RGBColor = RGBColor(234, 138, 0);
pub const PASS_COLOR: RGBColor = RGBColor(22, 163, 74);
pub const SKIPPED_COLOR: RGBColor = RGBColor(120, 120, 120);

/// The colour of a verdict.
#[must_use]
pub fn status_color(status: Status) -> RGBColor {
    match status {
        Status::Pass => PASS_COLOR,
        Status::Warn => WARN_COLOR,
        Status::Fail => FAIL_COLOR,
        Status::Skipped => SKIPPED_COLOR,
    }
}

#[derive(Debug, thiserror::Error)]
#[error("cannot draw the chart of {series}: {reason}")]
pub struct ChartError {
    series: String,
    reason: String,
}

/// The chart of `series` as an SVG document.
pub fn svg(series: &Series) -> Result<String, ChartError> {
    let mut out = String::new();
    draw(series, &mut out).map_err(|e| ChartError {
        series: series.title(),
        reason: e.to_string(),
    })?;
    Ok(out)
}

/// Every gate that limits some point, in order of first appearance.
fn limit_gates(series: &Series) -> Vec<GateId> {
    let mut ids = Vec::new();
    for l in series.points.iter().flat_map(|p| &p.limits) {
        if !ids.contains(&l.gate) {
            ids.push(l.gate);
        }
    }
    ids
}

#[allow(clippy::cast_precision_loss)]
fn draw(series: &Series, out: &mut String) -> Result<(), Box<dyn std::error::Error>> {
    let n = series.points.len();
    let all = series
        .points
        .iter()
        .flat_map(|p| std::iter::once(p.value).chain(p.limits.iter().map(|l| l.value)));
    let (lo, hi) = all.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    let (lo, hi) = if lo.is_finite() { (lo, hi) } else { (0.0, 1.0) };
    let axis = scale(series.unit, hi.abs().max(lo.abs()));
    let (lo, hi) = (lo / axis.divisor, hi / axis.divisor);
    let span = if hi > lo {
        hi - lo
    } else {
        hi.abs().max(1.0) * 0.2
    };
    // Room under the lowest point and above the highest for its label.
    let y_range = (lo - span * 0.15)..(hi + span * 0.25);
    let x_range = -0.5..(n.max(1) as f64 - 0.5);

    let root = SVGBackend::with_string(out, (WIDTH, HEIGHT)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            format!("{} — {}", series.tool, series.title()),
            ("sans-serif", 24),
        )
        .margin(16)
        .x_label_area_size(44)
        .y_label_area_size(72)
        .build_cartesian_2d(x_range, y_range)?;
    let points = &series.points;
    let run_label = |x: &f64| {
        let i = x.round();
        if (x - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < points.len() {
            format!("#{}", i as usize + 1)
        } else {
            String::new()
        }
    };
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(WHITE)
        .x_labels(n.clamp(2, 24))
        .x_label_formatter(&run_label)
        .label_style(("sans-serif", 15))
        .axis_desc_style(("sans-serif", 16))
        .x_desc("run (oldest to newest)")
        .y_desc(format!("{} ({})", series.label, axis.name))
        .y_label_formatter(&|v| format!("{v:.1}"))
        .draw()?;

    let x = |i: usize| i as f64;
    let y = |v: f64| v / axis.divisor;
    // Each limit as steps: flat across each run's width, so a limit that
    // never changed is one straight line through the chart.
    for id in limit_gates(series) {
        let color = if id.severity() == Status::Warn {
            WARN_COLOR
        } else {
            FAIL_COLOR
        };
        let steps: Vec<(f64, f64)> = points
            .iter()
            .enumerate()
            .filter_map(|(i, p)| {
                let l = p.limits.iter().find(|l| l.gate == id)?;
                Some([(x(i) - 0.5, y(l.value)), (x(i) + 0.5, y(l.value))])
            })
            .flatten()
            .collect();
        chart
            .draw_series(LineSeries::new(steps, color.stroke_width(2)))?
            .label(format!("limit: {}", id.label()))
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], color));
    }
    chart
        .draw_series(LineSeries::new(
            points.iter().enumerate().map(|(i, p)| (x(i), y(p.value))),
            VALUE_COLOR.stroke_width(2),
        ))?
        .label(series.label.clone())
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], VALUE_COLOR));
    chart.draw_series(
        points
            .iter()
            .enumerate()
            .map(|(i, p)| Circle::new((x(i), y(p.value)), 5, status_color(p.status).filled())),
    )?;
    chart.draw_series(points.iter().enumerate().map(|(i, p)| {
        // Above the dot, clear of it.
        EmptyElement::at((x(i), y(p.value)))
            + Text::new(
                short_commit(p),
                (0, -9),
                ("monospace", 15)
                    .into_font()
                    .color(&BLACK)
                    .pos(Pos::new(HPos::Center, VPos::Bottom)),
            )
    }))?;
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.3))
        .label_font(("sans-serif", 15))
        .draw()?;
    root.present()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::series::series;
    use crate::series::tests::line;
    use flakegate_testkit::picture::{self, Rgb};

    fn rgb(c: RGBColor) -> Rgb {
        (c.0, c.1, c.2)
    }

    #[test]
    fn limits_dots_and_labels_are_where_a_reader_looks() {
        let lines = [
            line("a", 1000.0, None),
            line("b", 2500.0, None),
            line("c", 3500.0, None),
        ];
        let s = &series(&lines)[0];
        let svg = svg(s).expect("svg");
        let p = picture::raster(&svg);
        let max = picture::line_rows(&p, rgb(FAIL_COLOR));
        let warn = picture::line_rows(&p, rgb(WARN_COLOR));
        assert!(!max.is_empty() && !warn.is_empty(), "{max:?} {warn:?}");
        let (max_y, warn_y) = (f64::from(max[0]), f64::from(warn[0]));
        // Up is larger: the 3000-byte limit is above the 2000-byte one.
        assert!(max_y < warn_y, "max {max_y}, warn {warn_y}");
        let pass = picture::dots(&p, rgb(PASS_COLOR), &[]);
        let warned = picture::dots(&p, rgb(WARN_COLOR), &warn);
        let failed = picture::dots(&p, rgb(FAIL_COLOR), &max);
        assert_eq!((pass.len(), warned.len(), failed.len()), (1, 1, 1));
        let (pass, warned, failed) = (pass[0], warned[0], failed[0]);
        assert!(
            pass.0 < warned.0 && warned.0 < failed.0,
            "runs left to right"
        );
        assert!(pass.1 > warn_y, "1000 bytes: under both limits");
        assert!(warned.1 < warn_y && warned.1 > max_y, "2500: between");
        assert!(failed.1 < max_y, "3500: over the max");
        let texts = picture::texts(&svg);
        for text in [
            "aaaaaaa",
            "ccccccc",
            "closure size (KiB)",
            "limit: max size",
            "limit: warn size",
            "#3",
        ] {
            assert!(texts.iter().any(|t| t == text), "{text} not in {texts:?}");
        }
    }
}
