//! `companies`: serves the example over GraphQL, with every setting of
//! hasone-actix (`--help`).

use clap::Parser;

#[derive(Parser)]
#[command(name = "companies", about = "hasone's companies example, over GraphQL")]
struct Cli {
    #[command(flatten)]
    settings: hasone_actix::Settings,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    hasone_actix::telemetry::init(cli.settings.log_format);
    let run = async {
        let (app, _db) = hasone_example_companies::start(&cli.settings).await?;
        tracing::info!("serving GraphQL at http://{}/graphql", app.local_addr());
        app.run_until_stopped().await?;
        Ok::<_, Box<dyn std::error::Error>>(())
    };
    match run.await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("companies: {err}");
            std::process::ExitCode::FAILURE
        }
    }
}
