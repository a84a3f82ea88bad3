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
    let span = if hi > lo { hi - lo } else { hi.abs().max(1.0) * 0.2 };
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
    chart.draw_series(points.iter().enumerate().map(|(i, p)| {
        Circle::new(
            (x(i), y(p.value)),
            5,
            status_color(p.status).filled(),
        )
    }))?;
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

    /// The chart rasterised as a person sees it (text aside: no fonts).
    fn raster(svg: &str) -> resvg::tiny_skia::Pixmap {
        let mut options = resvg::usvg::Options::default();
        let db = options.fontdb_mut();
        db.load_system_fonts();
        // The generic families default to Windows' fonts: map them to any
        // font this machine has.
        let family = db.faces().find_map(|f| f.families.first().map(|(n, _)| n.clone()));
        if let Some(family) = family {
            db.set_sans_serif_family(&family);
            db.set_monospace_family(&family);
        }
        let tree = resvg::usvg::Tree::from_str(svg, &options)
            .expect("the chart is valid SVG");
        let mut pixmap = resvg::tiny_skia::Pixmap::new(WIDTH, HEIGHT).expect("pixmap");
        resvg::render(&tree, resvg::tiny_skia::Transform::default(), &mut pixmap.as_mut());
        pixmap
    }

    /// The content of every `<text>` element.
    pub(crate) fn texts(svg: &str) -> Vec<String> {
        svg.split("<text")
            .skip(1)
            .filter_map(|t| {
                let body = &t[t.find('>')? + 1..t.find("</text>")?];
                Some(body.trim().to_owned())
            })
            .collect()
    }

    fn close(a: resvg::tiny_skia::PremultipliedColorU8, c: RGBColor) -> bool {
        let d = |x: u8, y: u8| x.abs_diff(y) <= 10;
        a.alpha() == 255 && d(a.red(), c.0) && d(a.green(), c.1) && d(a.blue(), c.2)
    }

    /// The rows where `color` runs across most of the plot: a limit line.
    fn line_rows(p: &resvg::tiny_skia::Pixmap, color: RGBColor) -> Vec<u32> {
        (0..p.height())
            .filter(|&y| {
                let n = (0..p.width())
                    .filter(|&x| p.pixel(x, y).is_some_and(|c| close(c, color)))
                    .count();
                n > usize::try_from(p.width() / 2).unwrap_or(usize::MAX)
            })
            .collect()
    }

    /// The centre of the pixels of `color` off the rows `away` (a dot).
    fn dot(p: &resvg::tiny_skia::Pixmap, color: RGBColor, away: &[u32]) -> (f64, f64) {
        let mut found = Vec::new();
        for y in 0..p.height() {
            if away.iter().any(|r| r.abs_diff(y) <= 3) {
                continue;
            }
            for x in 0..p.width() {
                if p.pixel(x, y).is_some_and(|c| close(c, color)) {
                    found.push((f64::from(x), f64::from(y)));
                }
            }
        }
        assert!(found.len() >= 20, "no dot of {color:?}: {} pixels", found.len());
        #[allow(clippy::cast_precision_loss)]
        let n = found.len() as f64;
        let (sx, sy) = found.iter().fold((0.0, 0.0), |(a, b), (x, y)| (a + x, b + y));
        (sx / n, sy / n)
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
        let p = raster(&svg);
        let max = line_rows(&p, FAIL_COLOR);
        let warn = line_rows(&p, WARN_COLOR);
        assert!(!max.is_empty() && !warn.is_empty(), "{max:?} {warn:?}");
        let (max_y, warn_y) = (f64::from(max[0]), f64::from(warn[0]));
        // Up is larger: the 3000-byte limit is above the 2000-byte one.
        assert!(max_y < warn_y, "max {max_y}, warn {warn_y}");
        let pass = dot(&p, PASS_COLOR, &[]);
        let warned = dot(&p, WARN_COLOR, &warn);
        let failed = dot(&p, FAIL_COLOR, &max);
        assert!(pass.0 < warned.0 && warned.0 < failed.0, "runs left to right");
        assert!(pass.1 > warn_y, "1000 bytes: under both limits");
        assert!(warned.1 < warn_y && warned.1 > max_y, "2500: between");
        assert!(failed.1 < max_y, "3500: over the max");
        let texts = texts(&svg);
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
