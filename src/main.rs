//! The `beckon` binary: parse the command line, run it, turn errors into one clear line.

use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = beckon::cli::Cli::parse();
    match beckon::cli::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("beckon: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
