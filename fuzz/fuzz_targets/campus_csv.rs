//! The campus CSV reader: the small example's sheets with one of them (chosen by the first
//! byte) replaced by the fuzzer's text, or an extra sheet added. An error or an instance,
//! never a panic; an accepted instance is written as JSON, which must read back.
#![no_main]

use atoll::io::campus::{from_csv, from_json, to_json};
use libfuzzer_sys::fuzz_target;

const SHEETS: &[(&str, &str)] = &[
    ("calendar.csv", include_str!("../../examples/campus-csv/calendar.csv")),
    ("teachers.csv", include_str!("../../examples/campus-csv/teachers.csv")),
    ("rooms.csv", include_str!("../../examples/campus-csv/rooms.csv")),
    ("groups.csv", include_str!("../../examples/campus-csv/groups.csv")),
    ("courses.csv", include_str!("../../examples/campus-csv/courses.csv")),
    ("pins.csv", include_str!("../../examples/campus-csv/pins.csv")),
    ("weights.csv", include_str!("../../examples/campus-csv/weights.csv")),
];

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let mut files: Vec<(String, String)> = SHEETS
        .iter()
        .map(|(n, t)| (format!("campus/{n}"), t.to_string()))
        .collect();
    let k = which as usize % (SHEETS.len() + 1);
    if k < SHEETS.len() {
        files[k].1 = text.to_string();
    } else {
        files.push(("campus/extra.csv".into(), text.to_string()));
    }
    if let Ok(inst) = from_csv(&files) {
        if let Ok(json) = to_json(&inst) {
            from_json(&json, "again.json").expect("the written JSON reads back");
        }
    }
});
