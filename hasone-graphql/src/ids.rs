//! Relay global ids (`User:42`, `Profile:tenant_a:7`) and cursors, for
//! primary keys of the types SeaORM derives: `i32`, `i64`, `String`,
//! `Uuid`.
//!
//! An `ID` argument takes the global id of the expected type or the bare
//! row id (`"42"`), so that GraphiQL users can type either. A string key
//! is written into a global id with `%` and `:` escaped (`%25`, `%3A`);
//! a bare string id cannot contain `:` (it would read as a global id).

use std::fmt::Debug;

use async_graphql::Value as GqlValue;
use hasone::tenancy::SchemaName;
use sea_orm::Value;

/// A primary key type hasone can put in ids and cursors.
pub trait IdValue: Sized + Clone + Debug + PartialEq + Send + Sync + 'static {
    /// The GraphQL type of `rowId`.
    const SCALAR: &'static str;

    /// Parses a row id as written in an id or cursor.
    fn parse(text: &str) -> Option<Self>;

    /// Writes a row id for an id or cursor.
    fn render(&self) -> String;

    /// The id of a row's key value (its primary key, or a foreign key that
    /// holds one).
    fn from_value(value: &Value) -> Option<Self>;

    /// The value SeaORM queries with.
    fn to_value(&self) -> Value;

    /// `rowId` as a GraphQL value.
    fn to_graphql(&self) -> GqlValue;
}

impl IdValue for i32 {
    const SCALAR: &'static str = "Int";

    fn parse(text: &str) -> Option<Self> {
        text.parse().ok()
    }

    fn render(&self) -> String {
        self.to_string()
    }

    fn from_value(value: &Value) -> Option<Self> {
        integer(value).and_then(|v| i32::try_from(v).ok())
    }

    fn to_value(&self) -> Value {
        Value::Int(Some(*self))
    }

    fn to_graphql(&self) -> GqlValue {
        GqlValue::from(*self)
    }
}

impl IdValue for i64 {
    const SCALAR: &'static str = "Int";

    fn parse(text: &str) -> Option<Self> {
        text.parse().ok()
    }

    fn render(&self) -> String {
        self.to_string()
    }

    fn from_value(value: &Value) -> Option<Self> {
        integer(value)
    }

    fn to_value(&self) -> Value {
        Value::BigInt(Some(*self))
    }

    fn to_graphql(&self) -> GqlValue {
        GqlValue::from(*self)
    }
}

impl IdValue for String {
    const SCALAR: &'static str = "String";

    fn parse(text: &str) -> Option<Self> {
        (!text.is_empty()).then(|| text.to_owned())
    }

    fn render(&self) -> String {
        self.clone()
    }

    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::String(Some(s)) => Some(s.clone()),
            Value::Char(Some(c)) => Some(c.to_string()),
            _ => None,
        }
    }

    fn to_value(&self) -> Value {
        Value::String(Some(self.clone()))
    }

    fn to_graphql(&self) -> GqlValue {
        GqlValue::String(self.clone())
    }
}

impl IdValue for uuid::Uuid {
    const SCALAR: &'static str = "UUID";

    fn parse(text: &str) -> Option<Self> {
        uuid::Uuid::parse_str(text).ok()
    }

    fn render(&self) -> String {
        self.hyphenated().to_string()
    }

    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::Uuid(Some(u)) => Some(*u),
            Value::String(Some(s)) => uuid::Uuid::parse_str(s).ok(),
            _ => None,
        }
    }

    fn to_value(&self) -> Value {
        Value::Uuid(Some(*self))
    }

    fn to_graphql(&self) -> GqlValue {
        GqlValue::String(self.render())
    }
}

fn integer(value: &Value) -> Option<i64> {
    match hasone::normalise(value.clone()) {
        Value::BigInt(Some(v)) => Some(v),
        _ => None,
    }
}

/// Escapes `%` and `:` of a rendered row id, for a global id.
fn escape(id: &str) -> std::borrow::Cow<'_, str> {
    if id.contains(['%', ':']) {
        id.replace('%', "%25").replace(':', "%3A").into()
    } else {
        id.into()
    }
}

fn unescape(id: &str) -> std::borrow::Cow<'_, str> {
    if id.contains('%') {
        id.replace("%3A", ":")
            .replace("%3a", ":")
            .replace("%25", "%")
            .into()
    } else {
        id.into()
    }
}

/// The global id of a row of type `ty`: `Type:id`, or `Type:schema:id` for
/// a row in a tenant schema (row ids repeat across schemas).
pub fn global_id(ty: &str, id: &str, schema: Option<&SchemaName>) -> String {
    let id = escape(id);
    match schema {
        Some(schema) => format!("{ty}:{schema}:{id}"),
        None => format!("{ty}:{id}"),
    }
}

/// A parsed global id: its type, schema and row id (unescaped, not yet
/// parsed to the key type).
#[derive(Debug, PartialEq, Eq)]
pub struct GlobalId<'a> {
    /// The GraphQL type name (`User`).
    pub ty: &'a str,
    /// The schema the row lives in (`None`: the default one).
    pub schema: Option<&'a str>,
    /// The row id, unescaped.
    pub row: std::borrow::Cow<'a, str>,
}

/// Splits a global id into type, schema and row id.
pub fn split_global_id(id: &str) -> Option<GlobalId<'_>> {
    let mut parts = id.split(':');
    let ty = parts.next().filter(|t| !t.is_empty())?;
    let (schema, row) = match (parts.next()?, parts.next(), parts.next()) {
        (row, None, None) => (None, row),
        (schema, Some(row), None) => (Some(schema), row),
        _ => return None,
    };
    Some(GlobalId {
        ty,
        schema,
        row: unescape(row),
    })
}

/// Why an `ID` argument names no row of the expected type.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    /// The id is of another type, or not an id at all.
    #[error("{id:?} is not a {ty} id (expected \"{ty}:<id>\" or a row id)")]
    NotThisType {
        /// The id as given.
        id: String,
        /// The type expected.
        ty: &'static str,
    },
    /// The id belongs to another schema than the request names.
    #[error("{id:?} belongs to schema {found}, the request names {expected}")]
    OtherSchema {
        /// The id as given.
        id: String,
        /// The schema the id names (`default` for none).
        found: String,
        /// The schema the request names.
        expected: String,
    },
}

/// The row id of type `ty` an `ID` argument names, which must belong to
/// `schema` (the request's `schema` argument; `None`: the default one).
pub fn parse_id<K: IdValue>(
    id: &str,
    ty: &'static str,
    schema: Option<&SchemaName>,
) -> Result<K, IdError> {
    let not_this = || IdError::NotThisType {
        id: id.to_owned(),
        ty,
    };
    if !id.contains(':') {
        return K::parse(id).ok_or_else(not_this);
    }
    let global = split_global_id(id)
        .filter(|g| g.ty == ty)
        .ok_or_else(not_this)?;
    if global.schema != schema.map(SchemaName::as_str) {
        return Err(IdError::OtherSchema {
            id: id.to_owned(),
            found: global.schema.unwrap_or("(default)").to_owned(),
            expected: schema.map_or("(default)", SchemaName::as_str).to_owned(),
        });
    }
    K::parse(&global.row).ok_or_else(not_this)
}

/// A keyset cursor: the row id after which a page starts; opaque to
/// clients, readable on purpose.
pub fn cursor(id: &str) -> String {
    format!("after:{}", escape(id))
}

/// The row id of a cursor.
pub fn parse_cursor<K: IdValue>(cursor: &str) -> Option<K> {
    K::parse(&unescape(cursor.strip_prefix("after:").unwrap_or(cursor)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_of_every_key_type_round_trip() {
        assert_eq!(global_id("User", &42.render(), None), "User:42");
        assert_eq!(parse_id::<i32>("User:42", "User", None), Ok(42));
        assert_eq!(parse_id::<i32>("42", "User", None), Ok(42));
        assert_eq!(
            parse_id::<i64>("9000000000", "Capital", None),
            Ok(9_000_000_000)
        );
        let id = uuid::Uuid::nil();
        let global = global_id("Company", &id.render(), None);
        assert_eq!(parse_id::<uuid::Uuid>(&global, "Company", None), Ok(id));
        // A string key with the characters ids use.
        let odd = "a:b%c".to_owned();
        let global = global_id("Country", &odd, None);
        assert_eq!(global, "Country:a%3Ab%25c");
        assert_eq!(parse_id::<String>(&global, "Country", None), Ok(odd));
        assert_eq!(parse_id::<String>("NO", "Country", None), Ok("NO".into()));
    }

    #[test]
    fn wrong_types_and_schemas_are_refused() {
        assert!(matches!(
            parse_id::<i32>("Profile:1", "User", None),
            Err(IdError::NotThisType { .. })
        ));
        assert!(parse_id::<i32>("User:x", "User", None).is_err());
        assert!(parse_id::<i32>("", "User", None).is_err());
        assert!(parse_id::<String>("Profile:NO", "Country", None).is_err());
        let tenant = hasone::tenancy::Allowlist::new(["tenant_a"])
            .expect("valid")
            .check("tenant_a")
            .expect("allowed");
        assert_eq!(
            parse_id::<i32>("Profile:tenant_a:7", "Profile", Some(&tenant)),
            Ok(7)
        );
        assert!(matches!(
            parse_id::<i32>("Profile:tenant_a:7", "Profile", None),
            Err(IdError::OtherSchema { .. })
        ));
        assert_eq!(
            global_id("Profile", "7", Some(&tenant)),
            "Profile:tenant_a:7"
        );
    }

    #[test]
    fn cursors_round_trip() {
        assert_eq!(cursor("7"), "after:7");
        assert_eq!(parse_cursor::<i32>("after:7"), Some(7));
        assert_eq!(parse_cursor::<i32>("7"), Some(7));
        assert_eq!(parse_cursor::<i32>("after:x"), None);
        assert_eq!(parse_cursor::<String>(&cursor("a:b")), Some("a:b".into()));
    }
}
