//! The `hasone` binary: `serve` (default), `migrate`, `seed`, `print-schema`,
//! `generate`.

use clap::Parser;
use hasone_server::cli::{self, Cli, Command};

/// mimalloc instead of glibc's malloc: a GraphQL response is thousands of
/// small short-lived allocations, and glibc spent a fifth of the CPU of a
/// page of users in malloc and free (docs/performance.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    // `generate` talks to its user on standard output, not in logs.
    if !matches!(cli.command, Some(Command::Generate(_))) {
        hasone_actix::telemetry::init(cli.settings.server.log_format);
    }
    match cli::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!(error = %err, "hasone failed");
            eprintln!("hasone: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
