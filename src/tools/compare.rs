//! `netlab compare`: TCP and UDP side by side, measured on this machine.
//!
//! Runs the loopback measurements of [`crate::transport::compare`] and,
//! with `--loss PCT`, builds the namespace lab with that loss
//! ([`crate::transport::lab`]), adds the loss and fragmentation rows
//! measured across it, and tears the lab down again — also when a
//! measurement fails. The `ip`/`nft` commands it runs are shown.
//!
//! Book: `book/src/lesson-09.md`. Run: `netlab compare --loss 5`.

use std::io::Write;

use anyhow::Context;

use crate::show::{style, table, width};
use crate::transport::compare::{self, Report, Row};
use crate::transport::lab;

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
        report.rows.extend(lab_rows(loss, &mut shown)?);
    }
    let mut out = std::io::stdout().lock();
    if options.json {
        serde_json::to_writer_pretty(&mut out, &report)
            .context("writing JSON")?;
        writeln!(out)?;
    } else {
        write!(out, "{}", table(&report))?;
    }
    Ok(())
}

/// Builds the lab with `loss`, measures across it, tears it down.
pub fn lab_rows(
    loss: f64,
    shown: &mut dyn FnMut(&str),
) -> anyhow::Result<Vec<Row>> {
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
    let rows = (|| -> anyhow::Result<Vec<Row>> {
        let mut rows = compare::under_loss(&lab, 2 << 20, 2000)
            .context("measuring across the lab")?
            .rows();
        rows.extend(
            compare::fragmentation(&lab)
                .context("sending datagrams around the MTU")?
                .rows(),
        );
        Ok(rows)
    })();
    guard.down(shown)?;
    rows
}

/// The report as a table: what, TCP, UDP, what it shows.
pub fn table(report: &Report) -> String {
    let mut records = vec![
        ["measured", "TCP", "UDP", "what it shows"]
            .map(String::from)
            .to_vec(),
    ];
    for row in &report.rows {
        records.push(vec![
            row.what.to_string(),
            row.tcp.clone(),
            row.udp.clone(),
            row.shows.to_string(),
        ]);
    }
    format!("{}\n", table::fit_records(records, width::current()))
}
