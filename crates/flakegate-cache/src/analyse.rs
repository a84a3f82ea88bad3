//! From a survey to a report.

use std::collections::BTreeSet;

use flakegate_report::{Gate, GateId, Status};
use flakegate_store::availability::{PathRecord, Survey};
use flakegate_store::binary_cache::Lookup;
use flakegate_store::name::store_path_name as name;

use crate::report::{CacheReport, CacheSummary, Class, Counts, UncachedPath};

/// One cache as the survey asked it (in the survey's lookup order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheInput {
    pub url: String,
    pub priority: u64,
    pub trusted: bool,
    pub unusable: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Count a hit only when a trusted key signed it.
    pub require_signed: bool,
    /// How many uncached paths to list.
    pub top: usize,
    /// Fail below this hit rate, in percent.
    pub min_hit_rate: Option<f64>,
    /// Warn below this hit rate, in percent.
    pub warn_hit_rate: Option<f64>,
    /// Gate the hit rate by NAR bytes instead of by path count.
    pub by_bytes: bool,
}

fn percent(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        return 100.0;
    }
    // Precision beyond 2^53 bytes does not matter for a percentage.
    #[allow(clippy::cast_precision_loss)]
    let rate = part as f64 * 100.0 / whole as f64;
    (rate * 100.0).round() / 100.0
}

fn accepted(lookup: &Lookup, require_signed: bool) -> bool {
    match lookup {
        Lookup::Hit { signed, .. } => *signed || !require_signed,
        // Never implied when signatures are required: only a fetched
        // narinfo shows its signature.
        Lookup::Implied { hit } => *hit && !require_signed,
        Lookup::Miss | Lookup::Error(_) => false,
    }
}

fn size_of(record: &PathRecord) -> Option<u64> {
    record.local.as_ref().map(|l| l.nar_size).or_else(|| {
        record.lookups.iter().find_map(|l| match l {
            Lookup::Hit { info, .. } => Some(info.nar_size),
            _ => None,
        })
    })
}

/// Classifies what `nix build` would do with `record`.
#[must_use]
pub fn classify(record: &PathRecord, require_signed: bool) -> Class {
    if record.local.is_some() {
        Class::Local
    } else if record.lookups.iter().any(|l| accepted(l, require_signed)) {
        Class::Fetch
    } else if record.produced_by.is_some() {
        Class::Build
    } else {
        Class::Missing
    }
}

/// Analyses a survey against its caches.
#[must_use]
pub fn analyse(
    installables: Vec<String>,
    survey: &Survey,
    caches: &[CacheInput],
    options: &Options,
) -> CacheReport {
    let require = options.require_signed;
    let mut total = Counts::default();
    let mut cached = Counts::default();
    let mut known = 0u64;
    let mut known_cached = 0u64;
    let mut unknown_size_paths = 0;
    let mut classes = [Counts::default(); 4];
    let mut download_bytes = 0u64;
    let mut to_build = BTreeSet::new();
    let mut uncached = Vec::new();
    let mut summaries: Vec<CacheSummary> = caches
        .iter()
        .map(|c| CacheSummary {
            url: c.url.clone(),
            priority: c.priority,
            trusted: c.trusted,
            hits: Counts::default(),
            hit_rate: 0.0,
            misses: 0,
            errors: 0,
            unsigned: 0,
            unusable: c.unusable.clone(),
        })
        .collect();
    let mut first_error: Vec<Option<String>> = vec![None; caches.len()];
    for record in &survey.paths {
        let size = size_of(record);
        total.add(size);
        match size {
            Some(s) => known = known.saturating_add(s),
            None => unknown_size_paths += 1,
        }
        let in_cache = record.lookups.iter().any(|l| accepted(l, require));
        if in_cache {
            cached.add(size);
            known_cached = known_cached.saturating_add(size.unwrap_or(0));
        }
        let class = classify(record, require);
        classes[class as usize].add(size);
        if class == Class::Fetch {
            let file = record.lookups.iter().find_map(|l| match l {
                Lookup::Hit { info, signed } if *signed || !require => {
                    Some(info.file_size.unwrap_or(info.nar_size))
                }
                _ => None,
            });
            download_bytes = download_bytes.saturating_add(file.unwrap_or(0));
        }
        if let (Class::Build, Some((drv, _))) = (class, &record.produced_by) {
            to_build.insert(drv.clone());
        }
        if !in_cache {
            uncached.push(UncachedPath {
                path: record.path.clone(),
                class,
                nar_size: size,
                deriver: record
                    .local
                    .as_ref()
                    .and_then(|l| l.deriver.clone())
                    .or_else(|| record.produced_by.as_ref().map(|(d, _)| d.clone())),
            });
        }
        for (i, lookup) in record.lookups.iter().enumerate().take(summaries.len()) {
            let s = &mut summaries[i];
            match lookup {
                Lookup::Hit { signed, info } => {
                    if !signed {
                        s.unsigned += 1;
                    }
                    if *signed || !require {
                        s.hits.add(Some(info.nar_size));
                    } else {
                        s.misses += 1;
                    }
                }
                Lookup::Implied { hit: true } => s.hits.add(size),
                Lookup::Miss | Lookup::Implied { hit: false } => s.misses += 1,
                Lookup::Error(e) => {
                    s.errors += 1;
                    if first_error[i].is_none() {
                        first_error[i] = Some(e.clone());
                    }
                }
            }
        }
    }
    let mut warnings = Vec::new();
    for (s, first) in summaries.iter_mut().zip(first_error) {
        s.hit_rate = percent(s.hits.paths as u64, total.paths as u64);
        if let Some(reason) = &s.unusable {
            warnings.push(format!(
                "{}: cannot be used: {reason}; its paths count as not cached",
                s.url
            ));
        } else if let Some(first) = first {
            warnings.push(format!(
                "{}: {} of {} lookups failed (first: {first}); those paths count as not in this cache",
                s.url,
                s.errors,
                total.paths
            ));
        }
        if require && s.unsigned > 0 && !s.trusted {
            warnings.push(format!(
                "{}: {} paths are not signed by a trusted key; with --require-signed they count as not cached",
                s.url, s.unsigned
            ));
        }
    }
    // Ties by name, then path: hashes would shuffle equal sizes between runs.
    uncached.sort_by(|a, b| {
        b.nar_size
            .cmp(&a.nar_size)
            .then_with(|| name(&a.path).cmp(name(&b.path)))
            .then_with(|| a.path.cmp(&b.path))
    });
    uncached.truncate(options.top);
    let [local, fetch, build, missing] = classes;
    let mut report = CacheReport {
        installables,
        hit_rate: percent(cached.paths as u64, total.paths as u64),
        hit_rate_bytes: percent(known_cached, known),
        unknown_size_paths,
        total,
        cached,
        local,
        fetch,
        download_bytes,
        build,
        missing,
        derivations_to_build: {
            let mut drvs: Vec<String> = to_build.into_iter().collect();
            drvs.sort_by(|a, b| name(a).cmp(name(b)).then_with(|| a.cmp(b)));
            drvs
        },
        caches: summaries,
        largest_uncached: uncached,
        warnings,
        gates: Vec::new(),
        status: Status::Pass,
    };
    report.gates = gates(&report, options);
    report.status = Status::overall(report.gates.iter().map(|g| g.status));
    report
}

fn gates(report: &CacheReport, options: &Options) -> Vec<Gate> {
    let (rate, subject) = if options.by_bytes {
        (report.hit_rate_bytes, "by NAR bytes")
    } else {
        (report.hit_rate, "by path count")
    };
    [
        (GateId::MinHitRate, options.min_hit_rate),
        (GateId::WarnHitRate, options.warn_hit_rate),
    ]
    .into_iter()
    .filter_map(|(id, limit)| Some(Gate::judge(id, rate, limit?).with_subject(subject)))
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use flakegate_store::availability::{LocalPath, Root};
    use flakegate_store::binary_cache::NarInfo;

    fn hit(path: &str, size: u64, signed: bool) -> Lookup {
        Lookup::Hit {
            info: NarInfo {
                store_path: path.into(),
                nar_hash: String::new(),
                nar_size: size,
                file_size: Some(size / 2),
                references: Vec::new(),
                deriver: None,
                signatures: Vec::new(),
                ca: None,
            },
            signed,
        }
    }

    fn record(
        path: &str,
        local: Option<u64>,
        lookups: Vec<Lookup>,
        drv: Option<&str>,
    ) -> PathRecord {
        PathRecord {
            path: path.into(),
            local: local.map(|nar_size| LocalPath {
                nar_size,
                deriver: None,
            }),
            lookups,
            produced_by: drv.map(|d| (d.to_owned(), "out".to_owned())),
        }
    }

    #[test]
    fn classes_rates_and_warnings() {
        let survey = Survey {
            roots: vec![Root::Path("a".into())],
            paths: vec![
                record(
                    "local-cached",
                    Some(100),
                    vec![hit("local-cached", 100, true), Lookup::Miss],
                    None,
                ),
                record(
                    "local-only",
                    Some(300),
                    vec![Lookup::Miss, Lookup::Error("HTTP 500".into())],
                    Some("l.drv"),
                ),
                record(
                    "fetch",
                    None,
                    vec![Lookup::Miss, hit("fetch", 600, false)],
                    Some("f.drv"),
                ),
                record(
                    "build",
                    None,
                    vec![Lookup::Miss, Lookup::Miss],
                    Some("b.drv"),
                ),
            ],
        };
        let caches = [
            CacheInput {
                url: "file:///one".into(),
                priority: 10,
                trusted: false,
                unusable: None,
            },
            CacheInput {
                url: "http://two".into(),
                priority: 40,
                trusted: false,
                unusable: None,
            },
        ];
        let r = analyse(
            vec!["x".into()],
            &survey,
            &caches,
            &Options {
                top: 10,
                min_hit_rate: Some(50.0),
                warn_hit_rate: Some(60.0),
                ..Options::default()
            },
        );
        let statuses: Vec<Status> = r.gates.iter().map(|g| g.status).collect();
        assert_eq!(statuses, [Status::Pass, Status::Warn]);
        assert_eq!(r.status, Status::Warn);
        assert_eq!((r.total.paths, r.cached.paths), (4, 2));
        assert_eq!(r.hit_rate, 50.0);
        // 700 of the 1,000 known bytes; the build path has no size yet.
        assert_eq!(r.hit_rate_bytes, 70.0);
        assert_eq!(r.unknown_size_paths, 1);
        assert_eq!(
            (r.local.paths, r.fetch.paths, r.build.paths, r.missing.paths),
            (2, 1, 1, 0)
        );
        assert_eq!(r.download_bytes, 300);
        assert_eq!(r.derivations_to_build, ["b.drv"]);
        assert_eq!(r.caches[1].errors, 1);
        assert_eq!(r.warnings.len(), 1, "{:?}", r.warnings);
        assert!(r.warnings[0].starts_with("http://two: 1 of 4 lookups failed (first: HTTP 500)"));
        assert_eq!(r.largest_uncached[0].path, "local-only");
        assert_eq!(r.largest_uncached[0].deriver.as_deref(), Some("l.drv"));

        // Requiring signatures turns the unsigned hit into a build.
        let r = analyse(
            vec![],
            &survey,
            &caches,
            &Options {
                require_signed: true,
                top: 10,
                min_hit_rate: Some(50.0),
                ..Options::default()
            },
        );
        assert_eq!(r.status, Status::Fail);
        assert_eq!((r.fetch.paths, r.build.paths), (0, 2));
        assert_eq!(r.hit_rate, 25.0);
        assert!(
            r.warnings
                .iter()
                .any(|w| w.contains("not signed by a trusted key"))
        );
    }

    #[test]
    fn an_empty_closure_is_fully_cached() {
        let survey = Survey {
            roots: vec![],
            paths: vec![],
        };
        let r = analyse(vec![], &survey, &[], &Options::default());
        assert_eq!((r.hit_rate, r.hit_rate_bytes), (100.0, 100.0));
    }
}
