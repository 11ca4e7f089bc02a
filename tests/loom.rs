//! Model checking of Stage 3's shared structures with loom: every interleaving (within
//! loom's bounds) of concurrent workers on the Q-table, the context cache and the
//! watchdog's heartbeat. Built only with `--cfg atoll_loom`, which swaps loom's atomics and
//! locks into `atoll::repair::sync`; scripts/test.sh runs it as
//!
//! ```sh
//! RUSTFLAGS="--cfg atoll_loom" CARGO_TARGET_DIR=target/loom cargo test --no-default-features --test loom
//! ```
//!
//! (its own target dir, so the normal build is not rebuilt). Without the cfg this file is
//! empty.
#![cfg(atoll_loom)]

use loom::sync::Arc;
use loom::thread;

use atoll::repair::context::{ContextCache, CourseContext};
use atoll::repair::qtable::QTable;
use atoll::repair::watchdog::Watchdog;

/// Two workers updating the same entry and a third entry at once: no update is lost, the
/// counts add up and the mean is exact, whatever the interleaving.
#[test]
fn qtable_updates_are_never_lost() {
    loom::model(|| {
        let q = Arc::new(QTable::new(2, 2));
        let handles: Vec<_> = [(0usize, 1usize, 0.5f64), (0, 1, -0.25)]
            .into_iter()
            .map(|(s, a, v)| {
                let q = q.clone();
                thread::spawn(move || {
                    assert!(q.record(s, a, v));
                })
            })
            .collect();
        assert!(q.record(1, 0, 1.0));
        for h in handles {
            h.join().unwrap();
        }
        let snap = q.snapshot();
        assert_eq!(snap.count(0, 1), 2);
        assert_eq!(snap.count(1, 0), 1);
        assert!((snap.q(0, 1) - 0.125).abs() < 1e-9);
        let check = q.check();
        assert_eq!(check.updates, 3);
        assert_eq!(check.visits, 3);
        assert!(check.all_finite);
    });
}

/// Two workers racing to fill the same slot: both get the one stored value, it is
/// stored once, and no lock is held while a value is computed (the closures run
/// concurrently without deadlock).
#[test]
fn context_cache_fills_each_slot_once() {
    let make = |n: u16| CourseContext {
        periods: vec![atoll::model::PeriodId(n)],
        rooms: Vec::new(),
        availability: 1.0,
    };
    loom::model(move || {
        let cache = Arc::new(ContextCache::new(1, 1));
        let other = {
            let cache = cache.clone();
            thread::spawn(move || cache.get_or(0, || make(7)))
        };
        let mine = cache.get_or(0, || make(7));
        let theirs = other.join().unwrap();
        assert!(Arc::ptr_eq(&mine, &theirs), "both see the stored value");
        assert_eq!(cache.filled(), 1);
        let s = cache.stats();
        assert_eq!(s.hits + s.misses, 2);
        assert!(s.misses >= 1);
    });
}

/// Attempt counters (written by the writer) and heartbeats (written by every worker)
/// are counted exactly under concurrency.
#[test]
fn counters_add_up() {
    loom::model(|| {
        let cache = Arc::new(ContextCache::new(1, 2));
        let dog = Arc::new(Watchdog::new(web_time::Duration::from_secs(3600)));
        let t = {
            let (cache, dog) = (cache.clone(), dog.clone());
            thread::spawn(move || {
                cache.attempted(1);
                dog.episode_done();
            })
        };
        cache.attempted(1);
        dog.episode_done();
        dog.check_progress();
        t.join().unwrap();
        assert_eq!(cache.attempts(1), 2);
        assert_eq!(dog.episodes(), 2);
        assert!(dog.events().is_empty(), "no stall within an hour");
    });
}
