//! The Excel module's functions, natively: what the page gets from them is what the
//! library gives (same instance, same errors), through campus JSON.

use std::path::PathBuf;

use rand::SeedableRng;
use rand::rngs::SmallRng;

use atoll::construct::construct;
use atoll::io::campus::{from_json, from_xlsx, to_json};
use atoll::write_solution;
use atoll_excel::{campus_json_of_workbook, campus_workbook, timetable_workbook};

fn sample() -> String {
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../www/samples/campus.json");
    std::fs::read_to_string(file).expect("www/samples/campus.json")
}

#[test]
fn the_template_read_back_as_json_is_the_instance_the_workbook_builds() {
    let book = campus_workbook(&sample(), "campus.json").expect("the template");
    assert_eq!(&book[..2], b"PK", "a zip container");
    let json = campus_json_of_workbook(&book, "campus-template.xlsx").expect("campus JSON");
    let direct = from_xlsx(&book, "campus-template.xlsx").expect("the workbook");
    let via_json = from_json(&json, "campus-template.json").expect("the JSON");
    assert_eq!(via_json.name, "campus-template");
    // The same instance: the JSON of each (a complete description; an Instance's maps
    // print in no fixed order) and the same sizes.
    assert_eq!(to_json(&direct).unwrap(), json);
    assert_eq!(
        (
            via_json.courses.len(),
            via_json.rooms.len(),
            via_json.curricula.len()
        ),
        (
            direct.courses.len(),
            direct.rooms.len(),
            direct.curricula.len()
        )
    );
    assert_eq!(to_json(&via_json).unwrap(), json, "stable");
}

#[test]
fn errors_are_the_libraries_word_for_word() {
    let book = campus_workbook(&sample(), "campus.json").unwrap();
    let broken = &book[..1000];
    let want = from_xlsx(broken, "broken.xlsx").unwrap_err().to_string();
    assert!(
        want.starts_with("broken.xlsx:1:1: not an Excel workbook (.xlsx)"),
        "{want}"
    );
    assert_eq!(
        campus_json_of_workbook(broken, "broken.xlsx").unwrap_err(),
        want
    );
    let e = campus_workbook("{\"name\": 3}", "bad.json").unwrap_err();
    assert!(e.starts_with("bad.json:1:"), "{e}");
}

#[test]
fn a_timetable_workbook_from_the_instance_json_and_a_solution() {
    let json = sample();
    let inst = from_json(&json, "campus.json").unwrap();
    let tt = construct(&inst, &mut SmallRng::seed_from_u64(7)).timetable;
    let sol = write_solution(&inst, &tt);
    let inst_json = to_json(&inst).unwrap();
    let book = timetable_workbook(&inst_json, "campus.json", &sol, "week.sol").expect("a workbook");
    assert_eq!(&book[..2], b"PK");
    let e = timetable_workbook(&inst_json, "campus.json", "a b c\n", "week.sol").unwrap_err();
    assert!(e.starts_with("week.sol:1"), "{e}");
}
