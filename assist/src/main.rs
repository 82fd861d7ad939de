//! `beckon-assist`: the end user's app. Opened from the Downloads folder it joins the
//! request its link page handed it out for (the code in its file name, the server in its
//! slot), shows who asks, and asks before anyone sees or controls the screen.
//!
//! `--cli` keeps to the terminal (headless machines, scripts); the default is a window.

#![cfg_attr(all(windows, not(debug_assertions)), windows_subsystem = "windows")]

mod cli;
mod control;
mod gui;
mod join;
mod net;
mod screen;
mod session;
mod view;

use std::path::PathBuf;

use clap::Parser;

#[derive(Debug, Parser)]
#[command(
    name = "beckon-assist",
    version,
    about = "Remote support: let your support agent see and control this computer, with your consent"
)]
struct Args {
    /// The link from the invitation (`https://…/s/…`) or the code on the support page.
    /// Without it, the code in this file's name is used, else the window asks.
    link_or_code: Option<String>,
    /// Stay in the terminal: answer with y/n, type `stop` to take control back, other
    /// lines are chat.
    #[arg(long)]
    cli: bool,
    /// A PEM file of a CA to trust besides the public ones (a server with its own
    /// certificate).
    #[arg(long)]
    ca: Option<PathBuf>,
}

fn main() -> std::process::ExitCode {
    let args = Args::parse();
    #[cfg(windows)]
    if args.cli {
        attach_console();
    }
    let exe = std::env::current_exe().ok();
    let name = exe
        .as_deref()
        .and_then(|p| p.file_name())
        .and_then(|n| n.to_str());
    let start = join::start(args.link_or_code.as_deref(), name, join::embedded_server());
    let result = net::tls_config(args.ca.as_deref()).and_then(|tls| {
        if args.cli {
            run_cli(start, tls)
        } else {
            gui::run(start, tls)
        }
    });
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// A window app on Windows has no console of its own: `--cli` writes to the one it was
/// started from.
#[cfg(windows)]
fn attach_console() {
    use windows_sys::Win32::System::Console::{ATTACH_PARENT_PROCESS, AttachConsole};
    // SAFETY: a Win32 call with no pointers; failing (no parent console) leaves us as we were.
    unsafe {
        AttachConsole(ATTACH_PARENT_PROCESS);
    }
}

fn run_cli(start: join::Start, tls: rustls::ClientConfig) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let http = net::http_client(None, tls.clone())?;
        let (base, token) = match start {
            join::Start::Link(link) => join::parse_link(&link)?,
            join::Start::Code { server, code } => join::redeem(&http, &server, code).await?,
            join::Start::Ask { .. } => anyhow::bail!(
                "give the link from your invitation (https://…/s/…) or the code on the support page"
            ),
        };
        cli::run(session::Joined { base, token, tls }).await
    })
}
