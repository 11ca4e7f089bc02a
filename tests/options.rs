//! The options registry (`src/options.rs`): every declared option's default lies in its
//! range and a value past each bound is refused by name (one loop over the registry, so a
//! new option is covered the moment it is declared); setting by name (the CLI's `--set`,
//! the page's option object) refuses unknown names and wrong types; the bounds that name
//! another option hold; `schema/options.schema.json` is what the registry generates.

use std::path::Path;

use atoll::SolverOptions;
use atoll::options::{Bound, Kind, OPTIONS, OptionError, json_schema};
use serde_json::{Value, json};

/// A value just past `v` in the direction `dir` (±1): the next integer for an integer
/// option, a hair for a number.
fn past(kind: Kind, v: f64, dir: f64) -> f64 {
    match kind {
        Kind::Integer => v + dir,
        _ => v + dir * v.abs().max(1.0) * 1e-9,
    }
}

/// Sets `name` to `v` on the defaults and validates: the error's option name, if any.
fn refused(name: &str, v: f64) -> Option<String> {
    let mut opts = SolverOptions::default();
    opts.set(name, &json!(v))
        .and_then(|()| opts.validate())
        .err()
        .map(|e| e.name().to_string())
}

#[test]
fn every_option_defaults_inside_its_range_and_is_refused_by_name_past_each_bound() {
    assert_eq!(SolverOptions::default().validate(), Ok(()));
    let mut bounds_checked = 0;
    for spec in OPTIONS {
        assert!(!spec.doc_text().is_empty(), "{} has no doc", spec.name);
        assert!(
            spec.doc_text().len() > 20,
            "{}: the doc should say what it does",
            spec.name
        );
        for (bound, dir) in [(spec.range.min, -1.0), (spec.range.max, 1.0)] {
            let (at, inclusive) = match bound {
                Bound::Incl(v) => (v, true),
                Bound::Excl(v) => (v, false),
                // Bounds naming another option: the test below.
                Bound::None | Bound::Option(_) | Bound::OneMinus(_) => continue,
            };
            bounds_checked += 1;
            if inclusive {
                // Accepted (another option's bound, as temperature_end's on
                // temperature_start, may still object, naming that option).
                assert_ne!(
                    refused(spec.name, at).as_deref(),
                    Some(spec.name),
                    "{} = {at}",
                    spec.name
                );
                let beyond = past(spec.kind, at, dir);
                assert_eq!(
                    refused(spec.name, beyond).as_deref(),
                    Some(spec.name),
                    "{} = {beyond}",
                    spec.name
                );
            } else {
                assert_eq!(
                    refused(spec.name, at).as_deref(),
                    Some(spec.name),
                    "{} = {at}",
                    spec.name
                );
                assert_ne!(
                    refused(spec.name, past(spec.kind, at, -dir)).as_deref(),
                    Some(spec.name),
                    "{} just inside {at}",
                    spec.name
                );
            }
        }
    }
    assert!(bounds_checked > 40, "only {bounds_checked} bounds checked");
}

#[test]
fn bounds_that_name_another_option_hold_and_name_the_option_set() {
    for (settings, name, range) in [
        (
            vec![("offspring", json!(4)), ("refine", json!(5))],
            "refine",
            "1..=offspring",
        ),
        (
            vec![("temperature_end", json!(5.0))],
            "temperature_end",
            "0 < temperature_end <= temperature_start",
        ),
        // At the default room_change_rate of 0.1, 0.9 leaves period moves no share.
        (
            vec![("kempe_rate", json!(0.9))],
            "kempe_rate",
            "0 <= kempe_rate < 1 - room_change_rate",
        ),
        (
            vec![("room_change_rate", json!(0.95))],
            "kempe_rate",
            "0 <= kempe_rate < 1 - room_change_rate",
        ),
    ] {
        let mut opts = SolverOptions::default();
        for (k, v) in &settings {
            opts.set(k, v).unwrap();
        }
        match opts.validate() {
            Err(OptionError::OutOfRange {
                name: n, range: r, ..
            }) => {
                assert_eq!((n, r.as_str()), (name, range), "{settings:?}")
            }
            other => panic!("{settings:?}: {other:?}"),
        }
    }
    // Just inside: kempe_rate 0.89 with room changes at 0.1 leaves period moves 1%.
    let mut opts = SolverOptions::default();
    opts.set("kempe_rate", &json!(0.89)).unwrap();
    assert_eq!(opts.validate(), Ok(()));
    // Order does not matter: refine may be raised before offspring.
    let map = json!({ "refine": 8, "offspring": 10 });
    let opts = SolverOptions::from_settings(map.as_object().unwrap()).unwrap();
    assert_eq!((opts.refine, opts.offspring), (8, 10));
}

#[test]
fn setting_by_name_checks_the_name_and_the_type() {
    let mut opts = SolverOptions::default();
    let e = opts.set("populaton", &json!(2)).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("unknown option 'populaton' (options: time_limit, "),
        "{e}"
    );
    let e = opts.set("population", &json!(2.5)).unwrap_err();
    assert_eq!(
        e.to_string(),
        "option population = 2.5 is not a whole number"
    );
    assert_eq!(
        opts.set("population", &json!(0)).unwrap_err().to_string(),
        "option population = 0 is out of range (1..=64)"
    );
    assert_eq!(
        opts.set("evaluator", &json!("fast"))
            .unwrap_err()
            .to_string(),
        "option evaluator = \"fast\" is not one of auto, gpu, cpu"
    );
    assert_eq!(
        opts.set("seed", &Value::Null).unwrap_err().to_string(),
        "option seed = null is not a whole number"
    );
    // JavaScript numbers arrive as floats: a whole one is an integer.
    opts.set("population", &json!(6.0)).unwrap();
    opts.set("time_limit", &Value::Null).unwrap();
    opts.set_assignment("evaluator=cpu").unwrap();
    opts.set_assignment("stage3=false").unwrap();
    opts.set_assignment("memory_gib=2").unwrap();
    assert_eq!(opts.population, 6);
    assert_eq!(opts.time_limit, None);
    assert_eq!(opts.evaluator, atoll::options::EvaluatorChoice::Cpu);
    assert!(!opts.stage3);
    assert_eq!(opts.memory_gib, Some(2.0));
    assert_eq!(
        opts.set_assignment("population").unwrap_err(),
        OptionError::Malformed("population".into())
    );
    assert_eq!(
        opts.set_assignment("population=many").unwrap_err().name(),
        "population"
    );
    // A duration states the cap.
    assert_eq!(
        opts.set("time_limit", &json!(-1)).unwrap_err().to_string(),
        "option time_limit = -1 is out of range (0 < seconds <= 2592000 (30 days, the cap on every duration))"
    );
}

#[test]
fn the_options_schema_file_is_what_the_registry_generates() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/options.schema.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let file: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        file,
        json_schema(),
        "regenerate with `atoll options --schema > schema/options.schema.json`"
    );
    // Every option is there with its default; unknown names are refused.
    let defaults = serde_json::to_value(SolverOptions::default()).unwrap();
    let props = file["properties"].as_object().unwrap();
    assert_eq!(props.len(), OPTIONS.len());
    for spec in OPTIONS {
        assert_eq!(
            props[spec.name]["default"], defaults[spec.name],
            "{}",
            spec.name
        );
    }
    assert_eq!(file["additionalProperties"], json!(false));
    assert_eq!(props["population"]["maximum"], json!(64));
    assert_eq!(props["stage3_share"]["exclusiveMaximum"], json!(1));
}

/// The constants that became options keep their values (a fixed-generation solve must
/// give the same timetable as before the registry).
#[test]
fn the_former_constants_keep_their_values() {
    let o = SolverOptions::default();
    assert_eq!(
        (o.room_change_rate, o.sibling_room_rate, o.hot_lecture_rate),
        (0.1, 0.5, 0.5)
    );
    assert_eq!(
        (
            o.focused_iteration_divisor,
            o.focused_lectures,
            o.focused_temperature
        ),
        (20, 48, 1.5)
    );
}

/// The page's TypeScript types (hand-written, `www/atoll.d.ts`) name every option of the
/// registry but `time_limit` and `seed` (the module API's `timeLimitMs` and `seed`).
#[test]
fn the_typescript_options_name_every_option() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("www/atoll.d.ts");
    let text = std::fs::read_to_string(&path).unwrap();
    let start = text.find("export interface SolverOptions {").unwrap();
    let body = &text[start..start + text[start..].find("\n}").unwrap()];
    for spec in OPTIONS {
        if matches!(spec.name, "time_limit" | "seed") {
            continue;
        }
        assert!(
            body.contains(&format!("  {}?: ", spec.name)),
            "www/atoll.d.ts's SolverOptions lacks {}",
            spec.name
        );
    }
}
