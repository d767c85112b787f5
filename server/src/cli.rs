//! Command line: `hasone [serve|migrate|seed|print-schema]`.

use std::error::Error;

use clap::{Parser, Subcommand};

use crate::config::Settings;
use crate::{db, graphql, startup::Application};

#[derive(Parser, Debug)]
#[command(
    name = "hasone",
    version,
    about = "Sequelize's hasOne for SeaORM entities, over GraphQL"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub settings: Settings,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Migrate, seed an empty database, and serve GraphQL (the default).
    Serve,
    /// Apply pending migrations.
    Migrate,
    /// Seed the demo data into an empty database.
    Seed,
    /// Print the GraphQL schema (SDL) to standard output.
    PrintSchema,
}

pub async fn run(cli: Cli) -> Result<(), Box<dyn Error>> {
    let settings = cli.settings;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let app = Application::build(settings).await?;
            tracing::info!("serving GraphQL at http://{}/graphql", app.local_addr());
            app.run_until_stopped().await?;
        }
        Command::Migrate => {
            let db = db::connect(&settings).await?;
            db::migrate(&db.conn, &settings.allowlist()?).await?;
        }
        Command::Seed => {
            let db = db::connect(&settings).await?;
            db::migrate(&db.conn, &settings.allowlist()?).await?;
            let seeded = db::seed(&db.conn, settings.seed_users).await?;
            tracing::info!(seeded, "seed finished");
        }
        Command::PrintSchema => {
            print!("{}", graphql::sdl());
        }
    }
    Ok(())
}
