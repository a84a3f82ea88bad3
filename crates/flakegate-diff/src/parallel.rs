//! An order-keeping parallel map on scoped threads (no thread pool crate):
//! comparing thousands of derivation pairs is reading and parsing thousands
//! of independent files.

use std::num::NonZero;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Items handed to a thread at a time: small enough to balance uneven work,
/// large enough that the shared counter is not contended.
const CHUNK: usize = 16;

/// At most this many threads; reading `.drv` files stops scaling well before.
const MAX_THREADS: usize = 8;

/// `items.iter().map(f).collect()`, computed on up to `available_parallelism`
/// threads. Small inputs stay on the calling thread.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, NonZero::get)
        .min(MAX_THREADS)
        .min(items.len().div_ceil(CHUNK));
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let start = next.fetch_add(CHUNK, Ordering::Relaxed);
            if start >= items.len() {
                return done;
            }
            let end = (start + CHUNK).min(items.len());
            done.extend((start..end).map(|i| (i, f(&items[i]))));
        }
    };
    let parts: Vec<Vec<(usize, R)>> = std::thread::scope(|s| {
        let helpers: Vec<_> = (1..threads).map(|_| s.spawn(work)).collect();
        let mut parts = vec![work()];
        parts.extend(
            helpers
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))),
        );
        parts
    });
    let mut slots: Vec<Option<R>> = std::iter::repeat_with(|| None).take(items.len()).collect();
    for (i, r) in parts.into_iter().flatten() {
        slots[i] = Some(r);
    }
    // Every index was taken exactly once, so every slot is filled.
    slots.into_iter().flatten().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_order() {
        let items: Vec<usize> = (0..1000).collect();
        let squares = map(&items, |x| x * x);
        assert_eq!(squares, items.iter().map(|x| x * x).collect::<Vec<_>>());
        assert_eq!(map(&items[..3], |x| x + 1), vec![1, 2, 3]);
        assert!(map(&[] as &[usize], |x| *x).is_empty());
    }
}
