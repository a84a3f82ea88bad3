//! `flakegate cache`'s report: terminal and Markdown.

mod markdown;
mod terminal;

use flakegate_cache::{CacheReport, Class};
use flakegate_report::units::count;
use flakegate_store::name::store_path_name;

use super::{Paint, Render};

impl Render for CacheReport {
    fn terminal(&self, paint: Paint) -> String {
        terminal::render(self, paint)
    }

    fn markdown(&self) -> String {
        markdown::render(self)
    }

    fn headline(&self) -> String {
        format!(
            "{:.2}% of {} paths cached",
            self.hit_rate,
            count(self.total.paths as u64)
        )
    }
}

/// A store path's name without its hash.
fn short(path: &str) -> &str {
    store_path_name(path)
}

fn class_word(c: Class) -> &'static str {
    match c {
        Class::Local => "local",
        Class::Fetch => "fetch",
        Class::Build => "build",
        Class::Missing => "missing",
    }
}
