//! Relay global ids (`User:42`, `Profile:tenant_a:7`) and cursors, for
//! primary keys of the types SeaORM derives: every integer (`i8` … `i64`,
//! `u8` … `u64`; ids up to `i64::MAX`), `String`, `Uuid`.
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

/// `IdValue` for an integer type: `rowId` is an `Int`; `to_value` is the
/// variant SeaORM gives a column of that Rust type (`$variant`); any
/// integer variant of a value in range reads as the type (a `u16` source
/// key finds a `u32` foreign key), one out of range is no id.
macro_rules! integer_id {
    ($($ty:ty => $variant:ident),* $(,)?) => {$(
        impl IdValue for $ty {
            const SCALAR: &'static str = "Int";

            fn parse(text: &str) -> Option<Self> {
                let id: Self = text.parse().ok()?;
                // PostgreSQL and SQLite store no integer above `i64::MAX`
                // (sea-query's binders panic on such a `u64`): no id is
                // larger, on any backend.
                (i128::from(id) <= i128::from(i64::MAX)).then_some(id)
            }

            fn render(&self) -> String {
                self.to_string()
            }

            fn from_value(value: &Value) -> Option<Self> {
                integer(value).and_then(|v| <$ty>::try_from(v).ok())
            }

            fn to_value(&self) -> Value {
                Value::$variant(Some(*self))
            }

            fn to_graphql(&self) -> GqlValue {
                GqlValue::from(*self)
            }
        }
    )*};
}

integer_id!(
    i8 => TinyInt,
    i16 => SmallInt,
    i32 => Int,
    i64 => BigInt,
    u8 => TinyUnsigned,
    u16 => SmallUnsigned,
    u32 => Unsigned,
    u64 => BigUnsigned,
);

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

/// An integer value of any width, signed or not (`None`: not an integer,
/// or `NULL`).
fn integer(value: &Value) -> Option<i128> {
    Some(match value {
        Value::TinyInt(Some(v)) => i128::from(*v),
        Value::SmallInt(Some(v)) => i128::from(*v),
        Value::Int(Some(v)) => i128::from(*v),
        Value::BigInt(Some(v)) => i128::from(*v),
        Value::TinyUnsigned(Some(v)) => i128::from(*v),
        Value::SmallUnsigned(Some(v)) => i128::from(*v),
        Value::Unsigned(Some(v)) => i128::from(*v),
        Value::BigUnsigned(Some(v)) => i128::from(*v),
        _ => return None,
    })
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
    /// The type is served without ids (a table without a primary key, a
    /// view).
    #[error("{id:?}: `{ty}` rows have no ids")]
    NoIds {
        /// The id as given.
        id: String,
        /// The type named.
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

    /// Every SeaORM integer value of `n`: the variants `n` fits.
    fn integer_values(n: i128) -> Vec<Value> {
        let mut values = Vec::new();
        macro_rules! fits {
            ($($ty:ty => $variant:ident),*) => {$(
                if let Ok(v) = <$ty>::try_from(n) {
                    values.push(Value::$variant(Some(v)));
                }
            )*};
        }
        fits!(
            i8 => TinyInt, i16 => SmallInt, i32 => Int, i64 => BigInt,
            u8 => TinyUnsigned, u16 => SmallUnsigned, u32 => Unsigned, u64 => BigUnsigned
        );
        values
    }

    /// `K`'s ids at its MIN and MAX, from every integer value, and `to_value`.
    fn integer_key<K>(min: K, max: K, expected: fn(K) -> Value)
    where
        K: IdValue + Copy + Into<i128>,
    {
        for id in [min, max] {
            let n: i128 = id.into();
            if n > i128::from(i64::MAX) {
                // Above what any backend binds: no id.
                assert_eq!(K::parse(&id.render()), None, "{n}");
            } else {
                assert_eq!(K::parse(&id.render()), Some(id), "{n}");
                assert_eq!(parse_id::<K>(&format!("T:{n}"), "T", None), Ok(id));
                assert_eq!(parse_cursor::<K>(&cursor(&id.render())), Some(id));
            }
            assert_eq!(id.render(), n.to_string());
            assert_eq!(id.to_value(), expected(id));
            assert_eq!(K::from_value(&id.to_value()), Some(id));
            let values = integer_values(n);
            assert!(!values.is_empty());
            for value in values {
                assert_eq!(K::from_value(&value), Some(id), "{value:?}");
            }
            // One past either end: no id, from text or any value.
            for out in [n - 1, n + 1] {
                let fits = out >= min.into() && out <= max.into();
                if fits {
                    continue;
                }
                assert_eq!(K::parse(&out.to_string()), None, "{out}");
                for value in integer_values(out) {
                    assert_eq!(K::from_value(&value), None, "{value:?}");
                }
            }
        }
        assert_eq!(K::SCALAR, "Int");
        assert_eq!(K::parse(""), None);
        assert_eq!(K::parse("x"), None);
        assert_eq!(K::parse("1.5"), None);
        assert_eq!(K::from_value(&Value::String(Some("1".into()))), None);
        assert_eq!(K::from_value(&Value::Int(None)), None);
        assert_eq!(K::from_value(&Value::BigUnsigned(None)), None);
    }

    #[test]
    fn integer_keys_of_every_width_read_every_integer_value() {
        integer_key(i8::MIN, i8::MAX, |v| Value::TinyInt(Some(v)));
        integer_key(i16::MIN, i16::MAX, |v| Value::SmallInt(Some(v)));
        integer_key(i32::MIN, i32::MAX, |v| Value::Int(Some(v)));
        integer_key(i64::MIN, i64::MAX, |v| Value::BigInt(Some(v)));
        integer_key(u8::MIN, u8::MAX, |v| Value::TinyUnsigned(Some(v)));
        integer_key(u16::MIN, u16::MAX, |v| Value::SmallUnsigned(Some(v)));
        integer_key(u32::MIN, u32::MAX, |v| Value::Unsigned(Some(v)));
        integer_key(u64::MIN, u64::MAX, |v| Value::BigUnsigned(Some(v)));
        // A `u16` key from a `u32` foreign key, an `i16` from an `i64`.
        assert_eq!(
            u16::from_value(&Value::Unsigned(Some(65_535))),
            Some(65_535)
        );
        assert_eq!(u16::from_value(&Value::Unsigned(Some(65_536))), None);
        assert_eq!(
            i16::from_value(&Value::BigInt(Some(-32_768))),
            Some(i16::MIN)
        );
        assert_eq!(u32::from_value(&Value::Int(Some(-1))), None);
        // The largest `u64` id is `i64::MAX`; bad ids are no ids.
        assert_eq!(
            u64::parse("9223372036854775807"),
            Some(9_223_372_036_854_775_807)
        );
        assert_eq!(u64::parse("9223372036854775808"), None);
        assert_eq!(u16::parse("-1"), None);
        assert_eq!(u16::parse("65536"), None);
        assert!(matches!(
            parse_id::<u16>("Site:65536", "Site", None),
            Err(IdError::NotThisType { .. })
        ));
        assert_eq!(
            u64::MAX.to_graphql(),
            GqlValue::from(18_446_744_073_709_551_615u64)
        );
        assert_eq!(u16::MAX.to_graphql(), GqlValue::from(65_535));
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
