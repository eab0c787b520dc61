//! `netlab compare`: TCP and UDP side by side, measured on this machine.
//!
//! Runs the loopback measurements of [`crate::transport::compare`] and,
//! with `--loss PCT`, builds the namespace lab with that loss
//! ([`crate::transport::lab`]), adds the loss and fragmentation rows
//! measured across it, and tears the lab down again — also when a
//! measurement fails. The `ip`/`nft` commands it runs are shown.
//!
//! With `--json` it writes the table's rows and, for programs, every
//! measurement as numbers with the unit in the key
//! ([`compare::Measurements`]), under a [`JSON_VERSION`]. The shape is
//! `schemas/compare.schema.json` (JSON Schema 2020-12), which
//! `tests/compare_json.rs` checks real output against.
//!
//! Book: `book/src/lesson-09.md`. Run: `netlab compare --loss 5`,
//! `netlab compare --json | jq .measurements.round_trip`.

use std::io::Write;

use anyhow::Context;
use serde::Serialize;

use crate::show::{style, table, width};
use crate::transport::compare::{self, Fragmentation, LossReport, Report, Row};
use crate::transport::lab;

/// The version of `--json`'s shape, written as its `version`. It stays
/// the same while keys are only added, so a program written for it keeps
/// working; it goes up when a key is renamed or removed or changes type.
pub const JSON_VERSION: u32 = 1;

/// What `--json` writes: the version, then the report's `rows` and
/// `measurements`.
#[derive(Serialize)]
struct Json<'a> {
    version: u32,
    #[serde(flatten)]
    report: &'a Report,
}

/// What to measure.
#[derive(Clone, Debug)]
pub struct Options {
    /// The loopback measurements' settings.
    pub measure: compare::Options,
    /// Also measure across the lab with this loss, in percent.
    pub loss: Option<f64>,
    /// Print JSON instead of a table.
    pub json: bool,
}

/// Measures and prints.
pub fn run(options: &Options) -> anyhow::Result<()> {
    let mut report = compare::run(&options.measure)
        .context("measuring TCP and UDP on loopback")?;
    if let Some(loss) = options.loss {
        let mut shown = |line: &str| {
            // Commands go to stderr with --json, so stdout stays JSON.
            if options.json {
                eprintln!("# {line}");
            } else {
                println!("{}", style::command(line));
            }
        };
        let (loss, fragmentation) = lab_measurements(loss, &mut shown)?;
        report.add_lab(&loss, &fragmentation);
    }
    let mut out = std::io::stdout().lock();
    if options.json {
        let json = Json {
            version: JSON_VERSION,
            report: &report,
        };
        serde_json::to_writer_pretty(&mut out, &json)
            .context("writing JSON")?;
        writeln!(out)?;
    } else {
        write!(out, "{}", table(&report.rows))?;
    }
    Ok(())
}

/// Builds the lab with `loss`, measures across it, tears it down.
pub fn lab_measurements(
    loss: f64,
    shown: &mut dyn FnMut(&str),
) -> anyhow::Result<(LossReport, Fragmentation)> {
    let (lab, guard) = lab::up_guarded(
        &lab::Options {
            loss_percent: loss,
            mtu: lab::DEFAULT_MTU,
        },
        shown,
    )?;
    // Built: measuring needs only setns(2) into the lab's namespaces.
    crate::capture::privileges::keep_only(&[caps::Capability::CAP_SYS_ADMIN])
        .context("giving up the capabilities the lab no longer needs")?;
    let measured = (|| -> anyhow::Result<(LossReport, Fragmentation)> {
        let loss = compare::under_loss(&lab, 2 << 20, 2000)
            .context("measuring across the lab")?;
        let fragmentation = compare::fragmentation(&lab)
            .context("sending datagrams around the MTU")?;
        Ok((loss, fragmentation))
    })();
    guard.down(shown)?;
    measured
}

/// The report's rows as a table: what, TCP, UDP, what it shows, in the
/// course's language (each row's `shown`; `--json` keeps the English).
pub fn table(rows: &[Row]) -> String {
    let mut records = vec![vec![
        crate::tr!("compare-col-measured"),
        "TCP".to_owned(),
        "UDP".to_owned(),
        crate::tr!("compare-col-shows"),
    ]];
    records.extend(rows.iter().map(|row| row.shown.to_vec()));
    format!("{}\n", table::fit_records(records, width::current()))
}
