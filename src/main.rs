//! The `netlab` binary: parse the command line, run, turn the outcome into an
//! exit code. Everything else lives in the library, so tests can reach it.
//!
//! Read next: [`netlab::cli`], where every subcommand is defined.

use std::process::ExitCode;

use clap::Parser;
use netlab::cli::Cli;

fn main() -> ExitCode {
    let cli = Cli::parse();
    netlab::show::style::init(cli.color);
    netlab::lang::set(cli.lang.unwrap_or_else(netlab::lang::Lang::from_env));
    // Diagnostics go to stderr through `tracing`: off unless RUST_LOG asks
    // for them, except a server's warnings (Cli::default_log_filter).
    let quiet = cli.default_log_filter();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| quiet.into()),
        )
        .with_writer(std::io::stderr)
        .init();

    match netlab::cli::run(cli) {
        Ok(code) => code,
        Err(err) => {
            netlab::show::errors::print(&err);
            ExitCode::FAILURE
        }
    }
}
