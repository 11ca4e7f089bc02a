//! The campus JSON reader on arbitrary text: an error or an instance, never a panic. An
//! instance it accepts is written back as JSON, which must read back to the same JSON, and
//! an empty timetable of it is scored.
#![no_main]

use atoll::io::campus::{from_json, to_json};
use atoll::{Timetable, evaluate};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(inst) = from_json(text, "fuzz.json") else {
        return;
    };
    let _ = evaluate(&inst, &Timetable::empty(&inst));
    // Writing may refuse (e.g. a period name that reads as two periods), never panic.
    if let Ok(json) = to_json(&inst) {
        let back = from_json(&json, "again.json").expect("the written JSON reads back");
        assert_eq!(to_json(&back).unwrap(), json, "to_json is a fixed point");
    }
});
