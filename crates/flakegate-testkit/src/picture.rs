//! Looking at an SVG chart as a person would: rasterised by resvg, then
//! found by colour — the long horizontal runs of a limit line, the dot of a
//! run — and its `<text>` elements read.

use resvg::tiny_skia::{Pixmap, PremultipliedColorU8};

/// An opaque colour, `(red, green, blue)`.
pub type Rgb = (u8, u8, u8);

/// `svg` rasterised at its own size, text drawn with whatever fonts the
/// machine has (none is needed by the other checks).
#[must_use]
pub fn raster(svg: &str) -> Pixmap {
    let mut options = resvg::usvg::Options::default();
    let db = options.fontdb_mut();
    db.load_system_fonts();
    // The generic families default to fonts a Linux machine rarely has.
    let family = db
        .faces()
        .find_map(|f| f.families.first().map(|(n, _)| n.clone()));
    if let Some(family) = family {
        db.set_sans_serif_family(&family);
        db.set_monospace_family(&family);
    }
    let tree = resvg::usvg::Tree::from_str(svg, &options).expect("valid SVG");
    let size = tree.size().to_int_size();
    let mut pixmap = Pixmap::new(size.width(), size.height()).expect("pixmap");
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::default(),
        &mut pixmap.as_mut(),
    );
    pixmap
}

/// The content of every `<text>` element, trimmed.
#[must_use]
pub fn texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .filter_map(|t| {
            let body = &t[t.find('>')? + 1..t.find("</text>")?];
            Some(body.trim().to_owned())
        })
        .collect()
}

fn close(a: PremultipliedColorU8, c: Rgb) -> bool {
    let d = |x: u8, y: u8| x.abs_diff(y) <= 10;
    a.alpha() == 255 && d(a.red(), c.0) && d(a.green(), c.1) && d(a.blue(), c.2)
}

/// The rows where `color` runs across more than half the picture: a
/// horizontal line.
#[must_use]
pub fn line_rows(p: &Pixmap, color: Rgb) -> Vec<u32> {
    (0..p.height())
        .filter(|&y| {
            let n = (0..p.width())
                .filter(|&x| p.pixel(x, y).is_some_and(|c| close(c, color)))
                .count();
            n > usize::try_from(p.width() / 2).unwrap_or(usize::MAX)
        })
        .collect()
}

/// The centres of the blobs of `color` (dots), left to right, ignoring the
/// rows within 3 pixels of `away` (the lines of that colour).
#[must_use]
pub fn dots(p: &Pixmap, color: Rgb, away: &[u32]) -> Vec<(f64, f64)> {
    // Columns with the colour, grouped into runs of adjacent columns.
    let mut blobs: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut last_x: Option<u32> = None;
    for x in 0..p.width() {
        let hits: Vec<(f64, f64)> = (0..p.height())
            .filter(|&y| !away.iter().any(|r| r.abs_diff(y) <= 3))
            .filter(|&y| p.pixel(x, y).is_some_and(|c| close(c, color)))
            .map(|y| (f64::from(x), f64::from(y)))
            .collect();
        if hits.is_empty() {
            continue;
        }
        match (last_x, blobs.last_mut()) {
            (Some(l), Some(b)) if x == l + 1 => b.extend(hits),
            _ => blobs.push(hits),
        }
        last_x = Some(x);
    }
    blobs
        .into_iter()
        .filter(|b| b.len() >= 20)
        .map(|b| {
            #[allow(clippy::cast_precision_loss)]
            let n = b.len() as f64;
            let (sx, sy) = b.iter().fold((0.0, 0.0), |(a, c), (x, y)| (a + x, c + y));
            (sx / n, sy / n)
        })
        .collect()
}
