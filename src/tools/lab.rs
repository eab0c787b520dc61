//! `netlab lab`: the two-host namespace lab of lesson 9, built, shown,
//! used and removed by hand. Every `ip`/`nft` command is printed before it
//! runs, so a student can build the same lab in a root shell.
//!
//! Read before: [`crate::transport::lab`], which does the work.

use std::process::ExitCode;

use crate::cli::LabCommand;
use crate::show;
use crate::transport::lab;

/// Runs `netlab lab up|down|status|exec`.
pub fn run(command: LabCommand) -> anyhow::Result<ExitCode> {
    let mut shown = |line: &str| println!("{}", show::style::command(line));
    match command {
        LabCommand::Up(args) => {
            let lab = lab::up(
                &lab::Options {
                    loss_percent: args.loss,
                    mtu: args.mtu,
                },
                &mut shown,
            )?;
            println!("{}", show::lab::describe(&lab));
        }
        LabCommand::Down => {
            lab::down(&mut shown)?;
            println!("lab is down");
        }
        LabCommand::Status => match lab::status()? {
            Some(lab) => println!("{}", show::lab::describe(&lab)),
            None => println!("lab is down (`netlab lab up` builds it)"),
        },
        LabCommand::Exec(args) => {
            let host = if args.host == "a" {
                &lab::HOST_A
            } else {
                &lab::HOST_B
            };
            let status = lab::exec(host, &args.command)?;
            return Ok(ExitCode::from(
                u8::try_from(status.code().unwrap_or(1)).unwrap_or(1),
            ));
        }
    }
    Ok(ExitCode::SUCCESS)
}
