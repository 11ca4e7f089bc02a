//! The solution reader on arbitrary bytes, against a fixed instance (the toy): an error or
//! a timetable, never a panic; an accepted timetable is scored.
#![no_main]

use std::sync::LazyLock;

use atoll::{Instance, evaluate, parse_instance, parse_solution};
use libfuzzer_sys::fuzz_target;

static TOY: LazyLock<Instance> = LazyLock::new(|| {
    parse_instance(
        include_bytes!("../../tests/corpus/valid/toy_crlf_tabs.ectt"),
        "toy.ectt",
    )
    .expect("the toy instance reads")
});

fuzz_target!(|data: &[u8]| {
    if let Ok((tt, _warnings)) = parse_solution(&TOY, data, "fuzz.sol") {
        let _ = evaluate(&TOY, &tt);
    }
});
