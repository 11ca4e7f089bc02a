//! `atoll options`: the options registry as JSON defaults, a list or a JSON schema.

use crate::print_json;

/// `atoll options`: the defaults as JSON, or (`--list`) every option with its default,
/// range and doc, or (`--schema`) the JSON schema; all three from the options registry.
pub(crate) fn run(list: bool, schema: bool) {
    if schema {
        print_json(&atoll::options::json_schema());
    } else if list {
        for row in atoll::options::option_rows() {
            println!("{} = {}  ({})", row.name, row.default, row.range);
            println!("    {}", row.doc);
        }
    } else {
        print_json(&atoll::SolverOptions::default());
    }
}
