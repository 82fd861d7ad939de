//! The `beckon` binary: parse the command line, run it, turn errors into one clear line.

use clap::Parser;

/// mimalloc rather than glibc's malloc: rendering a page makes many small short-lived
/// allocations, and glibc's free lists (consolidation, arena locks) took a quarter of the
/// server's CPU under load. With mimalloc the link page served 1.1–1.5× as many requests (a
/// noisy machine), for about 0.4 MB more idle memory (docs/PERFORMANCE.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    // No transparent huge pages for this process: where the system default is `always`, each
    // touched 2 MiB of the allocator's arenas would be resident in full (idle memory grew by
    // about 12 MB when mimalloc asked for them). Set before the runtime's threads start.
    let _ = rustix::thread::disable_transparent_huge_pages(true);
    run()
}

#[tokio::main]
async fn run() -> std::process::ExitCode {
    let cli = beckon::cli::Cli::parse();
    match beckon::cli::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("beckon: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
