#![warn(missing_docs)]
//! `hasone generate`: points hasone at an existing database. It reads the
//! live schema (sea-schema), writes SeaORM entities for its tables
//! (sea-orm-codegen), one `HasOne` declaration for every one-to-one
//! foreign key, and a binary that serves them with hasone-actix: a Cargo
//! project that `cargo run --release` serves.
//!
//! What counts as one-to-one, how things are named and what each kind of
//! key does: [`analyse`], docs/generate.md. Every name from the database
//! reaches the generated files through [`names`].

pub mod analyse;
pub mod codegen;
pub mod discover;
pub mod model;
pub mod names;
pub mod overrides;
pub mod types;
pub mod write;

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};

use clap::Args;

pub use analyse::{Filter, Plan};
pub use write::Sources;

/// What can stop a generation; nothing is written when it does.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The arguments do not make sense.
    #[error("{0}")]
    Input(String),
    /// The database could not be reached.
    #[error("database: {0}")]
    Database(#[from] sea_orm::sqlx::Error),
    /// The schema could not be read.
    #[error("reading the schema: {0}")]
    Discovery(String),
    /// sea-orm-codegen refused the tables.
    #[error("generating entities: {0}")]
    Codegen(String),
    /// `rustfmt` could not format a file.
    #[error("rustfmt: {0}")]
    Format(String),
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

/// `hasone generate`'s arguments.
#[derive(Args, Clone, Debug)]
pub struct GenerateArgs {
    /// The database to read: sqlite://, postgres:// or mysql:// URL.
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: String,

    /// The folder to write the project into (created when missing).
    #[arg(long)]
    pub out: PathBuf,

    /// The PostgreSQL schemas to read, comma separated.
    #[arg(long, value_delimiter = ',', default_value = "public")]
    pub database_schema: Vec<String>,

    /// Read every PostgreSQL schema but the system's.
    #[arg(long, conflicts_with = "database_schema")]
    pub all_schemas: bool,

    /// Only these tables, comma separated.
    #[arg(long, value_delimiter = ',')]
    pub tables: Vec<String>,

    /// Leave these tables out, comma separated.
    #[arg(long, value_delimiter = ',')]
    pub skip_tables: Vec<String>,

    /// The package name (default: the folder's name).
    #[arg(long)]
    pub name: Option<String>,

    /// The hasone checkout the project depends on (default: the one this
    /// binary was built from).
    #[arg(long)]
    pub hasone_path: Option<PathBuf>,

    /// Write nothing; exit non-zero when the files differ from what the
    /// database gives now.
    #[arg(long)]
    pub check: bool,

    /// The overrides file: renames and skips (default:
    /// `hasone-overrides.json` in the project's folder, when there).
    #[arg(long)]
    pub overrides: Option<PathBuf>,
}

/// What a generation found and did.
#[derive(Debug)]
pub struct Outcome {
    /// The plan: tables, relations, what was skipped.
    pub plan: Plan,
    /// Files that differ from what is on disk (written, or in `--check`
    /// mode only listed).
    pub changed: Vec<String>,
}

/// Reads the database and writes (or checks) the project.
pub async fn run(args: &GenerateArgs) -> Result<Outcome, Error> {
    let schemas = if args.all_schemas {
        discover::Schemas::All
    } else {
        discover::Schemas::Named(args.database_schema.clone())
    };
    let backend = discover::Backend::of(&args.database_url)?;
    let mut discovered = discover::tables(&args.database_url, &schemas).await?;
    let mut tables: Vec<model::Table> = Vec::with_capacity(discovered.len());
    for found in &mut discovered {
        let (statement, left_out) = types::normalise(&found.statement, backend);
        found.statement = statement;
        if let Some(table) = model::Table::discovered(found) {
            tables.push(model::Table { left_out, ..table });
        }
    }
    let statements: Vec<_> = discovered.into_iter().map(|d| d.statement).collect();
    let overrides = match &args.overrides {
        Some(path) => overrides::Overrides::read(path, true)?,
        None => overrides::Overrides::read(&args.out.join(overrides::FILE), false)?,
    };
    let filter = Filter {
        include: args.tables.clone(),
        skip: args.skip_tables.clone(),
        overrides,
    };
    let plan = analyse::plan(&tables, &filter);
    if plan.tables.is_empty() {
        return Err(Error::Input(format!(
            "no table to serve (skipped: {})",
            plan.skipped_tables
                .iter()
                .map(|(t, why)| format!("{}: {why}", names::code(t)))
                .collect::<Vec<_>>()
                .join("; ")
        )));
    }
    let name = match &args.name {
        Some(name) => checked_package_name(name)?,
        None => package_name(&args.out)?,
    };
    let hasone = match &args.hasone_path {
        Some(path) => path.clone(),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join(".."),
    };
    let sources = Sources {
        hasone: relative(&absolute(&args.out)?, &absolute(&hasone)?),
    };
    let url = discover::redact(&args.database_url);
    let mut files = write::files(&write::Input {
        name: &name,
        url: &url,
        statements: &statements,
        plan: &plan,
        sources: &sources,
    })?;
    for (path, content) in files.iter_mut() {
        if path.ends_with(".rs") {
            *content = rustfmt(content)?;
        }
    }
    let changed = changed_files(&args.out, &files)?;
    if !args.check {
        write_files(&args.out, &files, &changed)?;
        let lock = args.out.join("Cargo.lock");
        let ours = hasone.join("Cargo.lock");
        // The versions hasone is tested with; cargo adds the project itself.
        if !lock.exists() && ours.exists() {
            std::fs::copy(&ours, &lock).map_err(|source| Error::Io { path: lock, source })?;
        }
    }
    Ok(Outcome { plan, changed })
}

/// Files of `files` whose content on disk differs, and generated entity
/// files on disk that are no longer generated.
fn changed_files(out: &Path, files: &BTreeMap<String, String>) -> Result<Vec<String>, Error> {
    let mut changed = Vec::new();
    for (path, content) in files {
        let on_disk = std::fs::read_to_string(out.join(path)).ok();
        if on_disk.as_deref() != Some(content.as_str()) {
            changed.push(path.clone());
        }
    }
    let entities = out.join("src/entities");
    if let Ok(dir) = std::fs::read_dir(&entities) {
        for entry in dir.flatten() {
            let path = format!("src/entities/{}", entry.file_name().to_string_lossy());
            if path.ends_with(".rs") && !files.contains_key(&path) {
                changed.push(path);
            }
        }
    }
    changed.sort();
    Ok(changed)
}

fn write_files(
    out: &Path,
    files: &BTreeMap<String, String>,
    changed: &[String],
) -> Result<(), Error> {
    for path in changed {
        let full = out.join(path);
        let io = |source| Error::Io {
            path: full.clone(),
            source,
        };
        match files.get(path) {
            Some(content) => {
                if let Some(dir) = full.parent() {
                    std::fs::create_dir_all(dir).map_err(io)?;
                }
                std::fs::write(&full, content).map_err(io)?;
            }
            // A table that is gone: its entity goes too.
            None => std::fs::remove_file(&full).map_err(io)?,
        }
    }
    Ok(())
}

/// Formats Rust source with `rustfmt` (edition 2024), as `cargo fmt` will.
fn rustfmt(source: &str) -> Result<String, Error> {
    let mut child = Command::new("rustfmt")
        .args(["--edition", "2024", "--emit", "stdout", "--quiet"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            Error::Format(format!(
                "cannot run rustfmt ({e}); install it with `rustup component add rustfmt`"
            ))
        })?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(source.as_bytes())
            .map_err(|e| Error::Format(e.to_string()))?;
    }
    let output = child
        .wait_with_output()
        .map_err(|e| Error::Format(e.to_string()))?;
    if !output.status.success() {
        return Err(Error::Format(
            String::from_utf8_lossy(&output.stderr).into_owned(),
        ));
    }
    String::from_utf8(output.stdout).map_err(|e| Error::Format(e.to_string()))
}

/// Names cargo refuses for a binary: its build directory's (keywords
/// aside).
const CARGO_RESERVED: [&str; 4] = ["deps", "examples", "build", "incremental"];

/// `name` if cargo takes it as the package (and binary) name: ASCII
/// letters, digits, `-` and `_`, starting with a letter, not a Rust
/// keyword or a name cargo reserves.
fn checked_package_name(name: &str) -> Result<String, Error> {
    let crate_name = name.replace('-', "_");
    let valid = name.starts_with(|c: char| c.is_ascii_alphabetic())
        && names::rust_ident(&crate_name).as_ref() == Ok(&crate_name)
        && !CARGO_RESERVED.contains(&crate_name.as_str());
    if valid {
        Ok(name.to_owned())
    } else {
        Err(Error::Input(format!(
            "{} cannot be a package name (ASCII letters, digits, `-` and `_`, starting with a letter, not a Rust keyword): pass another --name",
            names::code(name)
        )))
    }
}

/// The package name of a folder: its name, in kebab case.
fn package_name(out: &Path) -> Result<String, Error> {
    let folder = absolute(out)?;
    let name: String = folder
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let name = name.trim_matches('-').to_owned();
    checked_package_name(&name).map_err(|_| {
        Error::Input(format!(
            "{} gives no package name: pass --name",
            names::code(&out.display().to_string())
        ))
    })
}

/// `path` made absolute and normalised (it need not exist yet).
fn absolute(path: &Path) -> Result<PathBuf, Error> {
    let joined = std::path::absolute(path).map_err(|source| Error::Io {
        path: path.to_owned(),
        source,
    })?;
    let mut out = PathBuf::new();
    for part in joined.components() {
        match part {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    Ok(out)
}

/// `to` relative to the folder `from`, `/`-separated (both absolute).
fn relative(from: &Path, to: &Path) -> String {
    let from: Vec<_> = from.components().collect();
    let to: Vec<_> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_owned(); from.len() - common];
    parts.extend(
        to[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    if parts.is_empty() {
        ".".to_owned()
    } else {
        parts.join("/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths() {
        assert_eq!(
            relative(Path::new("/a/b/out"), Path::new("/a/hasone")),
            "../../hasone"
        );
        assert_eq!(
            relative(Path::new("/a/hasone/target/x"), Path::new("/a/hasone")),
            "../.."
        );
        assert_eq!(relative(Path::new("/a"), Path::new("/a")), ".");
    }

    #[test]
    fn package_names_come_from_the_folder() {
        assert_eq!(
            package_name(Path::new("/tmp/My Shop_api")).unwrap(),
            "my-shop-api"
        );
        assert!(package_name(Path::new("/tmp/2024")).is_err());
        assert!(package_name(Path::new("/tmp/self")).is_err());
        assert!(package_name(Path::new("/tmp/deps")).is_err());
        assert_eq!(package_name(Path::new("/tmp/test")).unwrap(), "test");
    }

    #[test]
    fn package_names_given_are_checked() {
        assert_eq!(checked_package_name("shop-api").unwrap(), "shop-api");
        for name in [
            "", "2shop", "a\"b", "a b", "a\nb", "self", "crate", "type", "café", "{x}",
        ] {
            assert!(checked_package_name(name).is_err(), "{name:?}");
        }
    }
}
