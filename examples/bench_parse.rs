//! Large-input timings of the readers (issue 15, defect 10): a benchmark, not a test, so
//! no pass/fail depends on the machine's speed. Run it with
//!
//! ```text
//! cargo run --release --example bench_parse [COURSES [LINE_KB [NAME_WORDS]]]
//! ```
//!
//! (defaults 10000, 1024 and 5000; smaller sizes time the quadratic first versions in
//! reasonable time).
//!
//! It times, on generated inputs: a `.ctt` with one curriculum of 10,000 courses (the
//! readers' limit), a solution file with a 1 MB line of about 500,000 fields (refused: too long
//! for any course and room name), and a solution line whose course and room names hold
//! many spaces. The first versions were quadratic in each (a membership scan per course
//! of the curriculum, a pairwise conflict loop, and a join of the line's fields for every
//! way to split it).

use std::time::Instant;

use atoll::{Instance, parse_instance, parse_solution};

fn time<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let t0 = Instant::now();
    let r = f();
    println!("{what:<62} {:>10.1} ms", t0.elapsed().as_secs_f64() * 1e3);
    r
}

/// A `.ctt` whose one curriculum lists all `n` courses (one period, so the cost bounds
/// let it load).
fn big_curriculum(n: usize) -> String {
    let mut t = format!(
        "Name: big\nCourses: {n}\nRooms: 1\nDays: 1\nPeriods_per_day: 1\nCurricula: 1\nConstraints: 0\n\nCOURSES:\n"
    );
    for i in 0..n {
        t.push_str(&format!("c{i} t{i} 1 1 1\n"));
    }
    t.push_str(&format!("\nROOMS:\nr 10\n\nCURRICULA:\nall {n}"));
    for i in 0..n {
        t.push_str(&format!(" c{i}"));
    }
    t.push_str("\n\nUNAVAILABILITY_CONSTRAINTS:\n\nEND.\n");
    t
}

/// An instance with one course and one room whose names are `words` words each.
fn spaced_names(words: usize) -> (Instance, String) {
    let text = "Name: s\nCourses: 1\nRooms: 1\nDays: 1\nPeriods_per_day: 1\nCurricula: 0\nConstraints: 0\n\nCOURSES:\nc t 1 1 1\n\nROOMS:\nr 10\n\nCURRICULA:\n\nUNAVAILABILITY_CONSTRAINTS:\n\nEND.\n";
    let mut parts = parse_instance(text.as_bytes(), "s.ctt").unwrap().to_parts();
    let course: Vec<String> = (0..words).map(|i| format!("c{i}")).collect();
    let room: Vec<String> = (0..words).map(|i| format!("r{i}")).collect();
    parts.courses[0].name = course.join(" ");
    parts.rooms[0].name = room.join(" ");
    let line = format!("{} {} 0 0\n", course.join(" "), room.join(" "));
    (Instance::new(parts).unwrap(), line)
}

fn main() {
    let arg = |i: usize, default: usize| {
        std::env::args()
            .nth(i)
            .and_then(|a| a.parse().ok())
            .unwrap_or(default)
    };
    let (n, line_kb, words) = (arg(1, 10_000), arg(2, 1024), arg(3, 5_000));
    let ctt = big_curriculum(n);
    let inst = time(
        &format!(
            "instance: one curriculum of {n} courses ({} KB)",
            ctt.len() / 1024
        ),
        || parse_instance(ctt.as_bytes(), "big.ctt").unwrap(),
    );
    assert_eq!(inst.curricula[0].courses.len(), n);

    let mut line = String::from("c0 ");
    while line.len() < line_kb << 10 {
        line.push_str("w ");
    }
    line.push_str("r 0 0\n");
    let fields = line.split_whitespace().count();
    let e = time(
        &format!(
            "solution: one line of {} KB, {fields} fields",
            line.len() / 1024
        ),
        || parse_solution(&inst, line.as_bytes(), "long.sol").unwrap_err(),
    );
    println!("  -> {e}");

    let (inst, line) = spaced_names(words);
    let (tt, _) = time(
        &format!(
            "solution: names of {words} words each ({} KB line)",
            line.len() / 1024
        ),
        || parse_solution(&inst, line.as_bytes(), "spaced.sol").unwrap(),
    );
    assert_eq!(tt.scheduled().count(), 1);
}
