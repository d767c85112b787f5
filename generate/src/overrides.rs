//! The overrides file: renames and skips a team keeps beside its generated
//! project, as PostGraphile's smart tags file does, honoured by every
//! `generate` and `--check`. JSON, by default `hasone-overrides.json` in
//! the project's folder (`--overrides FILE` names another):
//!
//! ```json
//! {
//!   "tables": {
//!     "customer_profiles": { "type": "Profile", "single": "profile", "list": "profiles" },
//!     "audit_log": { "skip": true }
//!   },
//!   "relations": {
//!     "stores.manager_id": { "field": "managedStore", "inverse": "boss" },
//!     "employees.mentor_id": { "skip": true }
//!   }
//! }
//! ```
//!
//! A relation is named by its foreign key: `<target table>.<column>`. A
//! name given here is checked as a made one is (a GraphQL name, not
//! taken); an override of a table or relation the database does not have
//! is reported, not silently ignored.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::Error;

/// The overrides of one project.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Overrides {
    /// By table name.
    #[serde(default)]
    pub tables: BTreeMap<String, TableOverride>,
    /// By foreign key, `<target table>.<column>`.
    #[serde(default)]
    pub relations: BTreeMap<String, RelationOverride>,
}

/// What a table's override changes.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableOverride {
    /// Leave the table out.
    #[serde(default)]
    pub skip: bool,
    /// Its GraphQL type.
    #[serde(rename = "type")]
    pub type_name: Option<String>,
    /// Its single-row query field.
    pub single: Option<String>,
    /// Its list query field.
    pub list: Option<String>,
}

/// What a relation's override changes.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RelationOverride {
    /// Declare no association for the foreign key.
    #[serde(default)]
    pub skip: bool,
    /// The has-one field on the source.
    pub field: Option<String>,
    /// The inverse field on the target.
    pub inverse: Option<String>,
}

/// The file's name in the project's folder, read when there.
pub const FILE: &str = "hasone-overrides.json";

impl Overrides {
    /// The overrides at `path`; none when `path` is the default file and
    /// it is not there.
    pub fn read(path: &Path, required: bool) -> Result<Overrides, Error> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => {
                return Ok(Overrides::default());
            }
            Err(source) => {
                return Err(Error::Io {
                    path: path.to_owned(),
                    source,
                });
            }
        };
        serde_json::from_str(&text).map_err(|e| {
            Error::Input(format!(
                "the overrides file {}: {e}",
                crate::names::plain(&path.display().to_string())
            ))
        })
    }

    /// The key of the relation of `column` of `table`.
    pub fn relation_key(table: &str, column: &str) -> String {
        format!("{table}.{column}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_example_parses() {
        let doc = include_str!("overrides.rs");
        let start = doc.find("//! ```json").expect("example") + "//! ```json".len();
        let end = start + doc[start..].find("//! ```").expect("end");
        let json: String = doc[start..end]
            .lines()
            .map(|l| l.trim_start_matches("//!").trim_start())
            .collect::<Vec<_>>()
            .join("\n");
        let o: Overrides = serde_json::from_str(&json).expect("parses");
        assert_eq!(
            o.tables["customer_profiles"].type_name.as_deref(),
            Some("Profile")
        );
        assert!(o.tables["audit_log"].skip);
        assert_eq!(
            o.relations["stores.manager_id"].inverse.as_deref(),
            Some("boss")
        );
        assert!(o.relations["employees.mentor_id"].skip);
    }

    #[test]
    fn unknown_keys_are_refused() {
        let err = serde_json::from_str::<Overrides>(r#"{ "tables": { "t": { "nmae": "x" } } }"#);
        assert!(err.is_err());
        let err = serde_json::from_str::<Overrides>(r#"{ "table": {} }"#);
        assert!(err.is_err());
    }
}
