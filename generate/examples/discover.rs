//! Times schema discovery (`bench/discovery.sh` runs it):
//!
//! ```sh
//! cargo run --release -p hasone-generate --example discover -- URL [SCHEMAS|--all-schemas] [--sea-schema] [--print]
//! ```
//!
//! Prints one line: `relations=N tables=T views=V materialized=M
//! partitioned=P seconds=S`, after every statement as SQL with `--print`. `SCHEMAS` is a comma separated list of
//! PostgreSQL schemas (default `public`). `--sea-schema` times sea-schema's
//! `SchemaDiscovery` instead (the discovery `hasone generate` used before:
//! base tables of one schema; on PostgreSQL the first named schema), for
//! the "before" numbers.

use std::process::ExitCode;
use std::time::Instant;

use hasone_generate::discover::{self, Backend, Relkind, Schemas};

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(url) = args.first() else {
        eprintln!("usage: discover URL [SCHEMAS|--all-schemas] [--sea-schema]");
        return ExitCode::FAILURE;
    };
    let sea_schema = args.iter().any(|a| a == "--sea-schema");
    let print = args.iter().any(|a| a == "--print");
    let schemas = if args.iter().any(|a| a == "--all-schemas") {
        Schemas::All
    } else {
        let named = args
            .iter()
            .skip(1)
            .find(|a| !a.starts_with("--"))
            .map_or("public", String::as_str);
        Schemas::Named(named.split(',').map(str::to_owned).collect())
    };
    let started = Instant::now();
    let result = if sea_schema {
        with_sea_schema(url, &schemas).await
    } else {
        discover::tables(url, &schemas)
            .await
            .map(|found| {
                if print {
                    print_all(url, &found);
                }
                counts(found.iter().map(|d| d.kind))
            })
            .map_err(|e| e.to_string())
    };
    match result {
        Ok(counts) => {
            println!("{counts} seconds={:.3}", started.elapsed().as_secs_f64());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("discover: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Prints every statement as SQL of the URL's backend, with its kind.
fn print_all(url: &str, found: &[discover::Discovered]) {
    use sea_orm::sea_query::{MysqlQueryBuilder, PostgresQueryBuilder, SqliteQueryBuilder};
    for d in found {
        let sql = match Backend::of(url) {
            Ok(Backend::Postgres) => d.statement.to_string(PostgresQueryBuilder),
            Ok(Backend::Mysql) => d.statement.to_string(MysqlQueryBuilder),
            _ => d.statement.to_string(SqliteQueryBuilder),
        };
        println!("-- {:?} {:?}\n{sql};", d.schema, d.kind);
    }
}

/// The counts line of these kinds.
fn counts(kinds: impl Iterator<Item = Relkind>) -> String {
    let mut n = [0usize; 4];
    for kind in kinds {
        n[match kind {
            Relkind::Table => 0,
            Relkind::View => 1,
            Relkind::MaterializedView => 2,
            Relkind::Partitioned => 3,
        }] += 1;
    }
    format!(
        "relations={} tables={} views={} materialized={} partitioned={}",
        n.iter().sum::<usize>(),
        n[0],
        n[1],
        n[2],
        n[3]
    )
}

/// sea-schema's `SchemaDiscovery` of the first named schema, written as
/// create statements as `hasone generate` did.
async fn with_sea_schema(url: &str, schemas: &Schemas) -> Result<String, String> {
    use sea_orm::sqlx::{MySqlPool, PgPool, SqlitePool};
    let schema = match schemas {
        Schemas::Named(names) => names.first().map_or("public", String::as_str),
        Schemas::All => "public",
    };
    let e = |e: sea_orm::sqlx::Error| e.to_string();
    let n = match Backend::of(url).map_err(|e| e.to_string())? {
        Backend::Postgres => {
            let pool = PgPool::connect(url).await.map_err(e)?;
            let found = sea_schema::postgres::discovery::SchemaDiscovery::new(pool.clone(), schema)
                .discover()
                .await
                .map_err(e)?;
            pool.close().await;
            found
                .tables
                .iter()
                .map(|t| t.write())
                .collect::<Vec<_>>()
                .len()
        }
        Backend::Mysql => {
            let database = url
                .rsplit_once('/')
                .map(|(_, db)| db.split('?').next().unwrap_or_default())
                .unwrap_or_default();
            let pool = MySqlPool::connect(url).await.map_err(e)?;
            let found = sea_schema::mysql::discovery::SchemaDiscovery::new(pool.clone(), database)
                .discover()
                .await
                .map_err(e)?;
            pool.close().await;
            found
                .tables
                .iter()
                .map(|t| t.write())
                .collect::<Vec<_>>()
                .len()
        }
        Backend::Sqlite => {
            let pool = SqlitePool::connect(url).await.map_err(e)?;
            let found = sea_schema::sqlite::discovery::SchemaDiscovery::new(pool.clone())
                .discover()
                .await
                .map_err(|e| e.to_string())?;
            pool.close().await;
            found
                .tables
                .iter()
                .map(|t| t.write())
                .collect::<Vec<_>>()
                .len()
        }
    };
    Ok(counts(std::iter::repeat_n(Relkind::Table, n)))
}
