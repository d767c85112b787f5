//! The `hasone` binary: `serve` (default), `migrate`, `seed`, `print-schema`.

use clap::Parser;
use hasone::cli::{self, Cli};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    hasone::telemetry::init(cli.settings.log_format);
    match cli::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!(error = %err, "hasone failed");
            eprintln!("hasone: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
