//! `atoll`: the command-line program. Reads ITC-2007 files, checks timetables, reports on
//! instances. Exit status: 0 when it could do what was asked (whatever the cost of the
//! timetable), 2 when an input is missing or malformed.
//!
//! A thin shell over the library: `args.rs` is the grammar, each command has its file,
//! and `common.rs` holds what they share (errors, reading, JSON, the pool, Ctrl-C).

use std::process::ExitCode;

use clap::Parser;

mod ablation;
mod args;
mod bench;
mod bench_gpu;
mod check;
mod common;
mod convert;
mod edits;
mod export;
mod gpu_ablation;
mod info;
mod itc2019;
mod options;
mod repair;
mod solve;

pub(crate) use common::{CliError, load_instance, pool, print_json, print_warnings, read};

use args::{Cli, Command};

fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Command::Check {
            instance,
            solution,
            json,
            verbose,
        } => check::run(&instance, &solution, json, verbose),
        Command::Info { instance, json } => info::run(&instance, json),
        Command::Convert { input, output } => convert::run(&input, &output),
        Command::Export(a) => export::run(&a),
        Command::Solve(a) => solve::run(a),
        Command::Repair(a) => repair::run(a),
        Command::Budget { memory_gib, json } => repair::budget_cmd(memory_gib, json),
        Command::Bench(a) => bench::run_cmd(a),
        Command::Options { list, schema } => {
            options::run(list, schema);
            Ok(())
        }
        Command::BenchEval {
            instance,
            seconds,
            json,
        } => bench::bench_eval(&instance, seconds, json),
        Command::BenchGpu {
            instance,
            batch,
            seconds,
            threads,
            json,
        } => bench_gpu::bench_gpu(&instance, &batch, seconds, threads, json),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("atoll: error: {e}");
            ExitCode::from(2)
        }
    }
}
