//! `atoll convert IN OUT`: between `.ctt`/`.ectt`, campus `.json`, campus `.xlsx` and (as
//! input) a folder of CSV sheets, chosen by extension.

use std::path::Path;

use atoll::io::campus::to_json;
use atoll::io::ctt::to_ctt;

use crate::{CliError, load_instance};

/// Every `.csv` file of a folder, as (file name, text), sorted by name.
pub(crate) fn read_sheets(dir: &Path) -> Result<Vec<(String, String)>, CliError> {
    let entries = std::fs::read_dir(dir).map_err(|source| CliError::Read {
        path: dir.display().to_string(),
        source,
    })?;
    let mut paths = Vec::new();
    for e in entries {
        let e = e.map_err(|source| CliError::Read {
            path: dir.display().to_string(),
            source,
        })?;
        let p = e.path();
        if p.is_file() && p.extension().is_some_and(|x| x.eq_ignore_ascii_case("csv")) {
            paths.push(p);
        }
    }
    paths.sort();
    let mut files = Vec::with_capacity(paths.len());
    for p in paths {
        let bytes = crate::read(&p)?;
        let name = p.display().to_string();
        let text = String::from_utf8(bytes).map_err(|e| {
            CliError::Settings(format!(
                "{name}: the file is not valid UTF-8 text (bad byte at offset {}); save it as UTF-8 CSV",
                e.utf8_error().valid_up_to()
            ))
        })?;
        files.push((name, text));
    }
    if files.is_empty() {
        return Err(CliError::Settings(format!(
            "{}: the folder holds no .csv sheets (see docs/CSV.md)",
            dir.display()
        )));
    }
    Ok(files)
}

pub(crate) fn run(input: &Path, output: &Path) -> Result<(), CliError> {
    let inst = load_instance(input)?;
    let out_name = output.display().to_string();
    let ext = output
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    let convert_err = |source| CliError::Convert {
        path: out_name.clone(),
        source,
    };
    if ext.as_deref() == Some("xlsx") && out_name != "-" {
        // From campus JSON the document itself is written, so room types, features and
        // group kinds stay as the office wrote them; other inputs via their instance.
        let is_json = input
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"));
        let doc = if is_json {
            let bytes = crate::read(input)?;
            let text = String::from_utf8_lossy(&bytes);
            atoll::io::campus::doc_from_json(&text, &input.display().to_string())?
        } else {
            atoll::io::campus::to_doc(&inst).map_err(convert_err)?
        };
        let bytes = atoll::io::campus::to_xlsx(&doc).map_err(convert_err)?;
        return std::fs::write(output, bytes).map_err(|source| CliError::Write {
            path: out_name.clone(),
            source,
        });
    }
    let text = match ext.as_deref() {
        _ if out_name == "-" => to_json(&inst).map_err(convert_err)?,
        Some("json") => to_json(&inst).map_err(convert_err)?,
        Some(e @ ("ctt" | "ectt")) => {
            let text = to_ctt(&inst).map_err(convert_err)?;
            // The writer picks the format from the instance: `.ectt` extras need `.ectt`.
            let is_ectt = inst.extension.is_some();
            if (e == "ectt") != is_ectt {
                return Err(CliError::Settings(format!(
                    "{out_name}: this instance is {}; name the output .{}",
                    if is_ectt {
                        "an .ectt instance (it has the .ectt extras)"
                    } else {
                        "a plain .ctt instance (it has no .ectt extras)"
                    },
                    if is_ectt { "ectt" } else { "ctt" }
                )));
            }
            text
        }
        _ => {
            return Err(CliError::Settings(format!(
                "{out_name}: cannot tell the format; name the output .json, .xlsx, .ctt or .ectt"
            )));
        }
    };
    if out_name == "-" {
        print!("{text}");
        return Ok(());
    }
    std::fs::write(output, text).map_err(|source| CliError::Write {
        path: out_name.clone(),
        source,
    })
}
