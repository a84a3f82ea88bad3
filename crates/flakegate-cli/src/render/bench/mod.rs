//! Rendering of `flakegate bench`: terminal, Markdown, and the progress bar.

mod format;
mod markdown;
pub mod progress;
mod terminal;

use flakegate_bench::BenchReport;

use super::{Paint, Render};

impl Render for BenchReport {
    fn terminal(&self, paint: Paint) -> String {
        terminal::render(self, paint)
    }

    fn markdown(&self) -> String {
        markdown::render(self)
    }

    fn headline(&self) -> String {
        let medians: Vec<String> = self
            .benchmarks
            .iter()
            .map(|b| format!("{} {}", b.name, format::duration(b.wall.median)))
            .collect();
        medians.join(", ")
    }

    fn delta(&self) -> Option<String> {
        let ratios: Vec<String> = self
            .benchmarks
            .iter()
            .filter_map(|b| b.compared.as_ref()?.time.as_ref())
            .map(|r| format!("×{:.3}", r.estimate))
            .collect();
        (!ratios.is_empty()).then(|| ratios.join(", "))
    }
}
