//! Command line: `hasone [serve|migrate|seed|print-schema|generate]`.

use std::error::Error;

use clap::{Parser, Subcommand};

use hasone_actix::Pool;

use crate::config::{DEFAULT_DATABASE_URL, Settings};
use crate::{app, startup};

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
    /// Read an existing database and write a Cargo project that serves it
    /// with hasone: entities, a has-one association for every one-to-one
    /// foreign key, a binary (docs/generate.md).
    Generate(hasone_generate::GenerateArgs),
}

pub async fn run(cli: Cli) -> Result<(), Box<dyn Error>> {
    let settings = cli.settings;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let server = startup::build(settings).await?;
            tracing::info!(
                "serving GraphQL at http://{}/graphql",
                server.app.local_addr()
            );
            server.app.run_until_stopped().await?;
        }
        Command::Migrate => {
            let db = Pool::open(&settings.server, DEFAULT_DATABASE_URL).await?;
            entities::migration::migrate(&db.conn, db.allowlist()).await?;
        }
        Command::Seed => {
            let db = Pool::open(&settings.server, DEFAULT_DATABASE_URL).await?;
            entities::migration::migrate(&db.conn, db.allowlist()).await?;
            let seeded = entities::seed::seed(&db.conn, settings.seed_users, 20).await?;
            tracing::info!(seeded, "seed finished");
        }
        Command::PrintSchema => {
            print!("{}", app::sdl());
        }
        Command::Generate(args) => {
            let outcome = hasone_generate::run(&args).await?;
            print!("{}", hasone_generate::write::report(&outcome.plan));
            let out = args.out.display();
            match (args.check, outcome.changed.is_empty()) {
                (true, true) => println!("{out} matches the database"),
                (true, false) => {
                    return Err(format!(
                        "{out} differs from what the database gives now: {}",
                        outcome.changed.join(", ")
                    )
                    .into());
                }
                (false, true) => println!("{out} was already up to date"),
                (false, false) => println!(
                    "wrote {} files to {out}; serve it with `cd {out} && cargo run --release`",
                    outcome.changed.len()
                ),
            }
        }
    }
    Ok(())
}
