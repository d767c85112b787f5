//! The `schema` option: which schemas (PostgreSQL schemas, MySQL/MariaDB
//! databases, attached SQLite files) a request may name.
//!
//! A [`SchemaName`] can only be had from an [`Allowlist`], whose names are
//! checked to be plain identifiers when it is built; names that reach SQL
//! are therefore always from configuration, never from a request.

use std::fmt;
use std::sync::Arc;

/// An allowlisted schema name.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SchemaName(Arc<str>);

impl SchemaName {
    /// The name as configured.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SchemaName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The configured schemas a request may name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Allowlist(Vec<SchemaName>);

/// A configured schema name that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("invalid schema name {name:?}: {reason}")]
pub struct InvalidSchemaName {
    /// The name as configured.
    pub name: String,
    /// Why it cannot be used.
    pub reason: String,
}

impl InvalidSchemaName {
    /// The error for `name`, refused for `reason`.
    pub fn new(name: &str, reason: impl Into<String>) -> Self {
        InvalidSchemaName {
            name: name.to_owned(),
            reason: reason.into(),
        }
    }
}

/// A requested schema that is not in the allowlist.
#[derive(Debug, thiserror::Error)]
#[error("schema {requested:?} is not allowed; allowed schemas: {allowed}")]
pub struct SchemaNotAllowed {
    /// The name the request gave.
    pub requested: String,
    /// The allowlist, comma-separated (or how to configure one).
    pub allowed: String,
}

impl Allowlist {
    /// Builds the allowlist from configuration, refusing anything but plain
    /// lower-case identifiers.
    pub fn new<I, N>(names: I) -> Result<Self, InvalidSchemaName>
    where
        I: IntoIterator<Item = N>,
        N: AsRef<str>,
    {
        let mut list = Vec::new();
        for name in names {
            let name = name.as_ref().trim();
            if name.is_empty() {
                continue;
            }
            if !is_identifier(name) {
                return Err(InvalidSchemaName::new(
                    name,
                    "use 1-63 characters of a-z, 0-9 and _, not starting with a digit",
                ));
            }
            if !list.iter().any(|s: &SchemaName| s.as_str() == name) {
                list.push(SchemaName(name.into()));
            }
        }
        Ok(Allowlist(list))
    }

    /// The allowlisted name equal to `requested`.
    pub fn check(&self, requested: &str) -> Result<SchemaName, SchemaNotAllowed> {
        self.0
            .iter()
            .find(|s| s.as_str() == requested)
            .cloned()
            .ok_or_else(|| SchemaNotAllowed {
                requested: requested.to_owned(),
                allowed: if self.0.is_empty() {
                    "none are configured (HASONE_SCHEMAS)".to_owned()
                } else {
                    self.to_string()
                },
            })
    }

    /// The allowlisted names, in configuration order.
    pub fn names(&self) -> &[SchemaName] {
        &self.0
    }
}

impl fmt::Display for Allowlist {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, name) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(name.as_str())?;
        }
        Ok(())
    }
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some('a'..='z' | '_'))
        && name.len() <= 63
        && chars.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '_'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowlist_accepts_only_identifiers() {
        assert!(Allowlist::new(["tenant_a", "t2"]).is_ok());
        for bad in [
            "Tenant",
            "1abc",
            "a-b",
            "a b",
            "public\"; DROP TABLE users; --",
        ] {
            assert!(Allowlist::new([bad]).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn check_returns_the_configured_name_or_lists_the_allowed() {
        let list = Allowlist::new(["tenant_a", "tenant_b"]).unwrap();
        assert_eq!(list.check("tenant_b").unwrap().as_str(), "tenant_b");
        let err = list.check("tenant_c").unwrap_err();
        assert!(err.to_string().contains("tenant_a, tenant_b"));
    }
}
