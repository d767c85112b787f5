//! Columns as GraphQL fields and input fields: which GraphQL type a SeaORM
//! column type is, and the values both ways.
//!
//! | SeaORM column type | GraphQL |
//! | --- | --- |
//! | integers (8 to 64 bits, signed or not) | `Int` (as async-graphql does for `i64`) |
//! | `Float`, `Double` | `Float` |
//! | `Boolean` | `Boolean` |
//! | `String`, `Char`, `Text` | `String` (`String(N)` refuses longer text, `String` 255) |
//! | `Uuid` | `UUID` (hyphenated) |
//! | `Json`, `JsonBinary` | `JSON` (any value) |
//! | `DateTime`, `Timestamp`, `TimestampWithTimeZone` | `DateTime` (RFC 3339) |
//! | `Date`, `Time` | `Date` (`2026-12-01`), `Time` (`13:45:00`) |
//! | `Decimal`, `Money` | `Decimal` (a string, exact) |
//! | `Binary`, `VarBinary`, `Blob` | `Bytes` (hexadecimal) |
//! | an enum (a registered enumeration, or a PostgreSQL enum) | a GraphQL enum |
//! | anything else | `String` (read only) |
//!
//! Text input is refused when it holds a NUL character (PostgreSQL cannot
//! store one; the same input must mean the same on every backend).

use std::sync::Arc;

use async_graphql::{Name, Value as GqlValue};
use sea_orm::sea_query::{Enum as DbEnum, OptionEnum, StringLen};
use sea_orm::{ColumnType, Value};

/// A GraphQL enumeration of a text column: GraphQL names and the values
/// stored.
#[derive(Debug)]
pub struct EnumSpec {
    /// The GraphQL type name.
    pub name: String,
    /// The type's description.
    pub description: String,
    /// (GraphQL name, stored value, description)
    pub values: Vec<(String, String, String)>,
    /// The database's own enum type the column has (PostgreSQL's `CREATE
    /// TYPE … AS ENUM`, MySQL's `ENUM`), whose values SeaORM binds as
    /// such; `None` for text.
    db_type: Option<String>,
}

impl EnumSpec {
    /// An enumeration whose GraphQL names are the stored values in upper
    /// snake case (`public` → `PUBLIC`, `in-progress` → `IN_PROGRESS`,
    /// `PG-13` → `PG_13`, `a b` → `A_B`), `_` before a leading digit
    /// (`1st` → `_1ST`), `_` for a value with no letter or digit; a name
    /// taken by an earlier value gets `_2`, `_3`, … (in the values' order;
    /// `_` then `_2`: never a name starting `__`, which GraphQL keeps).
    pub fn of_values(name: &str, description: &str, values: &[&str]) -> Self {
        let mut taken = std::collections::HashSet::new();
        EnumSpec {
            name: name.to_owned(),
            description: description.to_owned(),
            values: values
                .iter()
                .map(|v| {
                    let base = match upper_snake(v) {
                        name if name.is_empty() => "_".to_owned(),
                        name => name,
                    };
                    let mut name = base.clone();
                    let mut n = 1;
                    while !taken.insert(name.clone()) {
                        n += 1;
                        // Never `__…`: GraphQL keeps those names.
                        let sep = if base.ends_with('_') { "" } else { "_" };
                        name = format!("{base}{sep}{n}");
                    }
                    let shown = v.escape_debug();
                    (name, (*v).to_owned(), format!("Stored as `{shown}`."))
                })
                .collect(),
            db_type: None,
        }
    }

    /// The value to store for the stored text `v`: a value of the
    /// database's enum type where the column has one.
    fn stored_value(&self, v: Option<&str>) -> Value {
        match &self.db_type {
            Some(ty) => Value::Enum(match v {
                Some(v) => OptionEnum::Some(Box::new(DbEnum {
                    type_name: ty.as_str().into(),
                    value: v.to_owned().into(),
                })),
                None => OptionEnum::None(ty.as_str().into()),
            }),
            None => Value::String(v.map(str::to_owned)),
        }
    }

    /// The enumeration of a SeaORM active enum stored as text: one GraphQL
    /// value per variant, named after its stored value.
    pub fn of<A>(name: &str, description: &str) -> Self
    where
        A: sea_orm::ActiveEnum<Value = String> + sea_orm::Iterable,
    {
        let values: Vec<String> = A::iter().map(|v| v.to_value()).collect();
        let refs: Vec<&str> = values.iter().map(String::as_str).collect();
        EnumSpec::of_values(name, description, &refs)
    }

    fn graphql_of(&self, stored: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(_, v, _)| v == stored)
            .map(|(n, _, _)| n.as_str())
    }

    fn stored_of(&self, graphql: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(n, _, _)| n == graphql)
            .map(|(_, v, _)| v.as_str())
    }
}

/// `in-progress` → `IN_PROGRESS`.
pub fn upper_snake(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_uppercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}

/// How a column reads and writes over GraphQL.
#[derive(Clone, Debug)]
pub enum ColumnKind {
    /// An integer of this column type.
    Int(ColumnType),
    /// A float or double.
    Float(ColumnType),
    /// A boolean.
    Boolean,
    /// Text, at most this many characters when given.
    Text(Option<u32>),
    /// A UUID, as the `UUID` scalar.
    Uuid,
    /// JSON, as the `JSON` scalar.
    Json,
    /// A timestamp of this column type, as the `DateTime` scalar (RFC 3339).
    DateTime(ColumnType),
    /// A date, as the `Date` scalar (`YYYY-MM-DD`).
    Date,
    /// A time of day, as the `Time` scalar.
    Time,
    /// A decimal, as the `Decimal` scalar (a string, never a float).
    Decimal,
    /// Binary, as the `Bytes` scalar (hex).
    Bytes,
    /// Text restricted to an enumeration.
    Enum(Arc<EnumSpec>),
    /// Read as text; not writable over GraphQL.
    Other,
    /// A type hasone reads as its text form and writes as text the
    /// database parses: the entity casts it both ways (`select_as`,
    /// `save_as`; [`ColumnKind::of_column`] finds the cast).
    CastText,
}

impl ColumnKind {
    /// The kind of a column of an entity: [`ColumnKind::of`] its type, but
    /// a type read as text is written too where the entity casts what it
    /// saves (`#[sea_orm(save_as = "inet")]`).
    pub fn of_column<C: sea_orm::ColumnTrait>(column: &C) -> Self {
        use sea_orm::sea_query::Expr;
        match ColumnKind::of(column.def().get_column_type()) {
            ColumnKind::Other => {
                let value = Expr::val("");
                if column.save_as(value.clone()) == value {
                    ColumnKind::Other
                } else {
                    ColumnKind::CastText
                }
            }
            kind => kind,
        }
    }

    /// The kind of a SeaORM column type.
    pub fn of(column_type: &ColumnType) -> Self {
        use ColumnType as C;
        match column_type {
            C::TinyInteger
            | C::SmallInteger
            | C::Integer
            | C::BigInteger
            | C::TinyUnsigned
            | C::SmallUnsigned
            | C::Unsigned
            | C::BigUnsigned
            | C::Year => ColumnKind::Int(column_type.clone()),
            C::Float | C::Double => ColumnKind::Float(column_type.clone()),
            C::Boolean => ColumnKind::Boolean,
            C::String(StringLen::N(n)) => ColumnKind::Text(Some(*n)),
            C::String(_) => ColumnKind::Text(Some(255)),
            C::Char(n) => ColumnKind::Text(*n),
            C::Text => ColumnKind::Text(None),
            C::Uuid => ColumnKind::Uuid,
            C::Json | C::JsonBinary => ColumnKind::Json,
            C::DateTime | C::Timestamp | C::TimestampWithTimeZone => {
                ColumnKind::DateTime(column_type.clone())
            }
            C::Date => ColumnKind::Date,
            C::Time => ColumnKind::Time,
            C::Decimal(_) | C::Money(_) => ColumnKind::Decimal,
            C::Binary(_) | C::VarBinary(_) | C::Blob => ColumnKind::Bytes,
            C::Enum { name, variants } => {
                let values: Vec<String> = variants.iter().map(|v| v.to_string()).collect();
                let refs: Vec<&str> = values.iter().map(String::as_str).collect();
                let db_type = name.to_string();
                let spec = EnumSpec::of_values(
                    &crate::names::pascal(&db_type),
                    &format!(
                        "The values of the database enum `{}`.",
                        db_type.escape_debug()
                    ),
                    &refs,
                );
                ColumnKind::Enum(Arc::new(EnumSpec {
                    db_type: Some(db_type),
                    ..spec
                }))
            }
            _ => ColumnKind::Other,
        }
    }

    /// The GraphQL type name (without `!`).
    pub fn graphql_type(&self) -> &str {
        match self {
            ColumnKind::Int(_) => "Int",
            ColumnKind::Float(_) => "Float",
            ColumnKind::Boolean => "Boolean",
            ColumnKind::Text(_) | ColumnKind::Other | ColumnKind::CastText => "String",
            ColumnKind::Uuid => "UUID",
            ColumnKind::Json => "JSON",
            ColumnKind::DateTime(_) => "DateTime",
            ColumnKind::Date => "Date",
            ColumnKind::Time => "Time",
            ColumnKind::Decimal => "Decimal",
            ColumnKind::Bytes => "Bytes",
            ColumnKind::Enum(spec) => &spec.name,
        }
    }

    /// Whether rows can be sorted by the column on every backend (not
    /// JSON, which PostgreSQL's `json` cannot compare; not a type read as
    /// text, whose database type may have no order, `xml`, `point`).
    pub fn orderable(&self) -> bool {
        !matches!(
            self,
            ColumnKind::Json | ColumnKind::Other | ColumnKind::CastText
        )
    }

    /// Whether the column can be written over GraphQL.
    pub fn writable(&self) -> bool {
        !matches!(self, ColumnKind::Other)
    }

    /// A stored value as GraphQL shows it.
    pub fn to_graphql(&self, value: &Value) -> GqlValue {
        if let ColumnKind::Enum(spec) = self {
            let stored = match value {
                Value::String(Some(s)) => s.as_str(),
                Value::Enum(OptionEnum::Some(e)) => &e.value,
                _ => return GqlValue::Null,
            };
            return spec
                .graphql_of(stored)
                .map_or(GqlValue::Null, |n| GqlValue::Enum(Name::new(n)));
        }
        to_graphql(value)
    }

    /// A GraphQL input as the value to store, checked; `Err` says why not.
    /// (Validation has checked the GraphQL type already.)
    pub fn from_graphql(&self, input: &GqlValue) -> Result<Value, String> {
        use ColumnKind as K;
        if *input == GqlValue::Null {
            return Ok(self.null());
        }
        match (self, input) {
            (K::Int(ty), GqlValue::Number(n)) => n
                .as_i64()
                .and_then(|n| int_value(ty, n))
                .ok_or_else(|| format!("{n} is out of range")),
            (K::Float(ty), GqlValue::Number(n)) => {
                let f = n.as_f64().ok_or("not a number")?;
                Ok(match ty {
                    ColumnType::Float => Value::Float(Some(f as f32)),
                    _ => Value::Double(Some(f)),
                })
            }
            (K::Boolean, GqlValue::Boolean(b)) => Ok(Value::Bool(Some(*b))),
            (K::Text(max), GqlValue::String(s)) => {
                text(s, *max)?;
                Ok(Value::String(Some(s.clone())))
            }
            (K::CastText, GqlValue::String(s)) => Ok(Value::String(Some(s.clone()))),
            (K::Uuid, GqlValue::String(s)) => uuid::Uuid::parse_str(s)
                .map(|u| Value::Uuid(Some(u)))
                .map_err(|_| format!("{s:?} is not a UUID")),
            (K::Json, value) => value
                .clone()
                .into_json()
                .map(|j| Value::Json(Some(Box::new(j))))
                .map_err(|e| e.to_string()),
            (K::DateTime(ty), GqlValue::String(s)) => datetime(ty, s),
            (K::Date, GqlValue::String(s)) => s
                .parse::<sea_orm::prelude::Date>()
                .map(|d| Value::ChronoDate(Some(d)))
                .map_err(|_| format!("{s:?} is not a date (YYYY-MM-DD)")),
            (K::Time, GqlValue::String(s)) => s
                .parse::<sea_orm::prelude::Time>()
                .map(|t| Value::ChronoTime(Some(t)))
                .map_err(|_| format!("{s:?} is not a time (HH:MM:SS)")),
            (K::Decimal, GqlValue::String(s)) => s
                .parse::<sea_orm::prelude::Decimal>()
                .map(|d| Value::Decimal(Some(d)))
                .map_err(|_| format!("{s:?} is not a decimal number")),
            (K::Bytes, GqlValue::String(s)) => unhex(s)
                .map(|b| Value::Bytes(Some(b)))
                .ok_or_else(|| format!("{s:?} is not hexadecimal")),
            (K::Enum(spec), GqlValue::Enum(name)) => spec
                .stored_of(name)
                .map(|v| spec.stored_value(Some(v)))
                .ok_or_else(|| format!("{name} is not a {}", spec.name)),
            (K::Enum(spec), GqlValue::String(name)) => spec
                .stored_of(name)
                .map(|v| spec.stored_value(Some(v)))
                .ok_or_else(|| format!("{name} is not a {}", spec.name)),
            (kind, value) => Err(format!("{value} is not a {}", kind.graphql_type())),
        }
    }

    /// `NULL` of this column's type.
    fn null(&self) -> Value {
        use ColumnKind as K;
        match self {
            K::Int(ty) => int_value(ty, 0).map_or(Value::BigInt(None), |v| v.as_null()),
            K::Float(ColumnType::Float) => Value::Float(None),
            K::Float(_) => Value::Double(None),
            K::Boolean => Value::Bool(None),
            K::Uuid => Value::Uuid(None),
            K::Json => Value::Json(None),
            K::DateTime(ColumnType::TimestampWithTimeZone) => {
                Value::ChronoDateTimeWithTimeZone(None)
            }
            K::DateTime(_) => Value::ChronoDateTime(None),
            K::Date => Value::ChronoDate(None),
            K::Time => Value::ChronoTime(None),
            K::Decimal => Value::Decimal(None),
            K::Bytes => Value::Bytes(None),
            K::Enum(spec) => spec.stored_value(None),
            K::Text(_) | K::Other | K::CastText => Value::String(None),
        }
    }
}

/// The value of an integer column type, if `n` fits it.
fn int_value(ty: &ColumnType, n: i64) -> Option<Value> {
    use ColumnType as C;
    Some(match ty {
        C::TinyInteger => Value::TinyInt(Some(i8::try_from(n).ok()?)),
        C::SmallInteger | C::Year => Value::SmallInt(Some(i16::try_from(n).ok()?)),
        C::Integer => Value::Int(Some(i32::try_from(n).ok()?)),
        C::TinyUnsigned => Value::TinyUnsigned(Some(u8::try_from(n).ok()?)),
        C::SmallUnsigned => Value::SmallUnsigned(Some(u16::try_from(n).ok()?)),
        C::Unsigned => Value::Unsigned(Some(u32::try_from(n).ok()?)),
        C::BigUnsigned => Value::BigUnsigned(Some(u64::try_from(n).ok()?)),
        _ => Value::BigInt(Some(n)),
    })
}

/// Checks text input: no NUL character, at most `max` characters.
pub fn text(value: &str, max: Option<u32>) -> Result<(), String> {
    if value.contains('\0') {
        return Err("must not contain a NUL character".to_owned());
    }
    if let Some(max) = max {
        let len = value.chars().count();
        if len > max as usize {
            return Err(format!("must have at most {max} characters, got {len}"));
        }
    }
    Ok(())
}

fn datetime(ty: &ColumnType, s: &str) -> Result<Value, String> {
    use sea_orm::prelude::{ChronoDateTimeWithTimeZone, DateTime};
    let parsed = ChronoDateTimeWithTimeZone::parse_from_rfc3339(s)
        .map_err(|_| format!("{s:?} is not an RFC 3339 date and time"));
    match ty {
        ColumnType::TimestampWithTimeZone => {
            parsed.map(|d| Value::ChronoDateTimeWithTimeZone(Some(d)))
        }
        _ => parsed
            .map(|d| d.naive_utc())
            .or_else(|e| s.parse::<DateTime>().map_err(|_| e))
            .map(|d| Value::ChronoDateTime(Some(d))),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

/// A stored value as GraphQL shows it, by its own type.
pub fn to_graphql(value: &Value) -> GqlValue {
    use GqlValue as G;
    fn opt<T>(v: &Option<T>, f: impl FnOnce(&T) -> G) -> G {
        v.as_ref().map_or(G::Null, f)
    }
    match value {
        Value::Bool(v) => opt(v, |b| G::Boolean(*b)),
        Value::TinyInt(v) => opt(v, |n| G::from(*n)),
        Value::SmallInt(v) => opt(v, |n| G::from(*n)),
        Value::Int(v) => opt(v, |n| G::from(*n)),
        Value::BigInt(v) => opt(v, |n| G::from(*n)),
        Value::TinyUnsigned(v) => opt(v, |n| G::from(*n)),
        Value::SmallUnsigned(v) => opt(v, |n| G::from(*n)),
        Value::Unsigned(v) => opt(v, |n| G::from(*n)),
        Value::BigUnsigned(v) => opt(v, |n| G::from(*n)),
        Value::Float(v) => opt(v, |n| G::from(f64::from(*n))),
        Value::Double(v) => opt(v, |n| G::from(*n)),
        Value::String(v) => opt(v, |s| G::String(s.clone())),
        Value::Char(v) => opt(v, |c| G::String(c.to_string())),
        Value::Bytes(v) => opt(v, |b| G::String(hex(b))),
        Value::Json(v) => opt(v, |j| G::from_json((**j).clone()).unwrap_or(G::Null)),
        Value::Uuid(v) => opt(v, |u| G::String(u.hyphenated().to_string())),
        Value::Decimal(v) => opt(v, |d| G::String(d.to_string())),
        Value::ChronoDate(v) => opt(v, |d| G::String(d.to_string())),
        Value::ChronoTime(v) => opt(v, |t| G::String(t.to_string())),
        Value::ChronoDateTime(v) => opt(v, |d| G::String(d.and_utc().to_rfc3339())),
        Value::ChronoDateTimeUtc(v) => opt(v, |d| G::String(d.to_rfc3339())),
        Value::ChronoDateTimeLocal(v) => opt(v, |d| G::String(d.to_rfc3339())),
        Value::ChronoDateTimeWithTimeZone(v) => opt(v, |d| G::String(d.to_rfc3339())),
        other => {
            if *other == other.as_null() {
                G::Null
            } else {
                G::String(format!("{other:?}"))
            }
        }
    }
}

/// A custom scalar: its name, description and check of input values.
pub type Scalar = (&'static str, &'static str, fn(&GqlValue) -> bool);

/// The custom scalars a registry may use (the type names of
/// [`ColumnKind::graphql_type`]).
pub fn custom_scalars() -> [Scalar; 7] {
    fn is_uuid(v: &GqlValue) -> bool {
        matches!(v, GqlValue::String(s) if uuid::Uuid::parse_str(s).is_ok())
    }
    fn is_string(v: &GqlValue) -> bool {
        matches!(v, GqlValue::String(_))
    }
    fn is_any(_: &GqlValue) -> bool {
        true
    }
    [
        (
            "UUID",
            "A UUID, hyphenated: `67e55044-10b1-426f-9247-bb680e5fe0c8`.",
            is_uuid,
        ),
        ("JSON", "Any JSON value.", is_any),
        (
            "DateTime",
            "A date and time in RFC 3339 form: `2026-12-01T09:30:00+00:00`.",
            is_string,
        ),
        ("Date", "A date: `2026-12-01`.", is_string),
        ("Time", "A time of day: `09:30:00`.", is_string),
        (
            "Decimal",
            "An exact decimal number, as a string: `1234.50`.",
            is_string,
        ),
        ("Bytes", "Bytes in hexadecimal: `00ff10`.", is_string),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip_through_graphql() {
        let int = ColumnKind::of(&ColumnType::Integer);
        assert_eq!(int.graphql_type(), "Int");
        assert_eq!(
            int.from_graphql(&GqlValue::from(7)),
            Ok(Value::Int(Some(7)))
        );
        assert!(int.from_graphql(&GqlValue::from(1i64 << 40)).is_err());
        assert_eq!(to_graphql(&Value::Int(Some(7))), GqlValue::from(7));
        let text = ColumnKind::of(&ColumnType::String(StringLen::N(3)));
        assert!(text.from_graphql(&GqlValue::from("abcd")).is_err());
        assert!(text.from_graphql(&GqlValue::from("a\0")).is_err());
        assert_eq!(
            text.from_graphql(&GqlValue::from("abc")),
            Ok(Value::String(Some("abc".into())))
        );
        assert_eq!(text.from_graphql(&GqlValue::Null), Ok(Value::String(None)));
        let uuid = ColumnKind::of(&ColumnType::Uuid);
        let id = uuid::Uuid::nil();
        assert_eq!(
            uuid.from_graphql(&GqlValue::from(id.to_string())),
            Ok(Value::Uuid(Some(id)))
        );
        assert_eq!(hex(&[0, 255, 16]), "00ff10");
        assert_eq!(unhex("00ff10"), Some(vec![0, 255, 16]));
        assert_eq!(unhex("0g"), None);
    }

    #[test]
    fn integer_columns_of_every_width_check_their_range() {
        use ColumnType as C;
        for (ty, min, max, of) in [
            (C::TinyInteger, -128, 127, Value::TinyInt(Some(127))),
            (
                C::SmallInteger,
                -32_768,
                32_767,
                Value::SmallInt(Some(32_767)),
            ),
            (C::TinyUnsigned, 0, 255, Value::TinyUnsigned(Some(255))),
            (
                C::SmallUnsigned,
                0,
                65_535,
                Value::SmallUnsigned(Some(65_535)),
            ),
            (
                C::Unsigned,
                0,
                4_294_967_295,
                Value::Unsigned(Some(4_294_967_295)),
            ),
            (
                C::BigUnsigned,
                0,
                i64::MAX,
                Value::BigUnsigned(Some(i64::MAX as u64)),
            ),
        ] {
            let kind = ColumnKind::of(&ty);
            assert_eq!(kind.graphql_type(), "Int");
            assert_eq!(kind.from_graphql(&GqlValue::from(max)), Ok(of.clone()));
            assert_eq!(to_graphql(&of), GqlValue::from(max));
            assert!(kind.from_graphql(&GqlValue::from(min)).is_ok(), "{ty:?}");
            assert!(
                kind.from_graphql(&GqlValue::from(min - 1)).is_err(),
                "{ty:?}"
            );
            if max < i64::MAX {
                assert!(
                    kind.from_graphql(&GqlValue::from(max + 1)).is_err(),
                    "{ty:?}"
                );
            }
            assert_eq!(kind.from_graphql(&GqlValue::Null), Ok(of.as_null()));
        }
        // Above `i64::MAX`: refused, as no backend but MySQL could bind it.
        let big = ColumnKind::of(&C::BigUnsigned);
        assert!(big.from_graphql(&GqlValue::from(u64::MAX)).is_err());
        assert!(big.from_graphql(&GqlValue::from(-1)).is_err());
    }

    #[test]
    fn enums_map_stored_values_to_names() {
        let spec = Arc::new(EnumSpec::of_values(
            "Visibility",
            "",
            &["public", "in-progress"],
        ));
        let kind = ColumnKind::Enum(spec);
        assert_eq!(
            kind.to_graphql(&Value::String(Some("in-progress".into()))),
            GqlValue::Enum(Name::new("IN_PROGRESS"))
        );
        assert_eq!(
            kind.to_graphql(&Value::String(Some("nope".into()))),
            GqlValue::Null
        );
        assert_eq!(
            kind.from_graphql(&GqlValue::Enum(Name::new("PUBLIC"))),
            Ok(Value::String(Some("public".into())))
        );
        assert_eq!(upper_snake("2fa"), "_2FA");
    }

    #[test]
    fn a_database_enum_names_every_value_and_stores_its_own_type() {
        use sea_orm::sea_query::{Alias, IntoIden};
        let ty = ColumnType::Enum {
            name: Alias::new("film_rating").into_iden(),
            variants: ["PG-13", "1st", "a b", "a-b", "", "é"]
                .iter()
                .map(|v| Alias::new(*v).into_iden())
                .collect(),
        };
        let ColumnKind::Enum(spec) = ColumnKind::of(&ty) else {
            panic!("not an enum");
        };
        assert_eq!(spec.name, "FilmRating");
        let names: Vec<&str> = spec.values.iter().map(|(n, _, _)| n.as_str()).collect();
        assert_eq!(names, ["PG_13", "_1ST", "A_B", "A_B_2", "_", "_2"]);
        let kind = ColumnKind::Enum(spec);
        let stored = Value::Enum(OptionEnum::Some(Box::new(DbEnum {
            type_name: "film_rating".into(),
            value: "a-b".into(),
        })));
        assert_eq!(kind.to_graphql(&stored), GqlValue::Enum(Name::new("A_B_2")));
        assert_eq!(
            kind.from_graphql(&GqlValue::Enum(Name::new("A_B_2"))),
            Ok(stored)
        );
        assert_eq!(
            kind.from_graphql(&GqlValue::Null),
            Ok(Value::Enum(OptionEnum::None("film_rating".into())))
        );
    }
}
