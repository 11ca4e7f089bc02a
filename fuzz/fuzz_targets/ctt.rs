//! The `.ctt`/`.ectt` reader on arbitrary bytes: an error or an instance, never a panic.
//! An instance it accepts must survive `.ctt` → JSON → instance → `.ctt` unchanged.
#![no_main]

use atoll::io::campus::{from_json, to_json};
use atoll::io::ctt::{parse_instance, to_ctt};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(inst) = parse_instance(data, "fuzz.ctt") else {
        return;
    };
    let text = to_ctt(&inst).expect("a .ctt instance can be written as .ctt");
    let again = parse_instance(text.as_bytes(), "again.ctt").expect("the written .ctt reads back");
    assert_eq!(to_ctt(&again).unwrap(), text, "the .ctt writer is a fixed point");
    let json = to_json(&inst).expect("any .ctt instance can be written as JSON");
    let back = from_json(&json, "fuzz.json").expect("the written JSON reads back");
    assert_eq!(to_ctt(&back).unwrap(), text, "JSON keeps every .ctt field");
});
