//! [`NullableKey`]: a nullable column as the primary key SeaORM requires of
//! every entity, for a table that has none (a view, a log table).

use sea_orm::sea_query::{ArrayType, ColumnType, Nullable, ValueType, ValueTypeErr};
use sea_orm::{ColIdx, DbErr, QueryResult, TryFromU64, TryGetError, TryGetable, Value};

/// A nullable column of type `T` declared as an entity's primary key.
///
/// SeaORM's entities need a primary key, and it cannot be an `Option`. A
/// table without one (a view; PostgreSQL reports every column of a view as
/// nullable) still gets an entity by naming one of its columns the key,
/// typed `NullableKey<T>` where the column is nullable:
///
/// ```
/// use sea_orm::entity::prelude::*;
///
/// #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
/// #[sea_orm(table_name = "store_totals")]
/// pub struct Model {
///     #[sea_orm(primary_key, auto_increment = false, nullable)]
///     pub store: hasone::NullableKey<String>,
///     pub total: Option<i64>,
/// }
///
/// #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
/// pub enum Relation {}
///
/// impl ActiveModelBehavior for ActiveModel {}
/// ```
///
/// The key is nominal: hasone serves such an entity read-only and without
/// ids (`hasone_graphql::Registry::read_only`), never looking rows up by
/// it. It reads and writes as `Option<T>` would.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NullableKey<T>(pub Option<T>);

impl<T> From<NullableKey<T>> for Value
where
    Option<T>: Into<Value>,
{
    fn from(key: NullableKey<T>) -> Value {
        key.0.into()
    }
}

impl<T> TryGetable for NullableKey<T>
where
    Option<T>: TryGetable,
{
    fn try_get_by<I: ColIdx>(res: &QueryResult, index: I) -> Result<Self, TryGetError> {
        Option::<T>::try_get_by(res, index).map(NullableKey)
    }
}

impl<T> ValueType for NullableKey<T>
where
    T: ValueType + Nullable,
{
    fn try_from(v: Value) -> Result<Self, ValueTypeErr> {
        <Option<T> as ValueType>::try_from(v).map(NullableKey)
    }

    fn is_option() -> bool {
        true
    }

    fn type_name() -> String {
        format!("NullableKey<{}>", T::type_name())
    }

    fn array_type() -> ArrayType {
        T::array_type()
    }

    fn column_type() -> ColumnType {
        T::column_type()
    }
}

impl<T> TryFromU64 for NullableKey<T> {
    fn try_from_u64(_: u64) -> Result<Self, DbErr> {
        Err(DbErr::ConvertFromU64("NullableKey"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn it_is_the_value_of_its_option() {
        assert_eq!(
            Value::from(NullableKey(Some("a".to_owned()))),
            Value::String(Some("a".to_owned()))
        );
        assert_eq!(Value::from(NullableKey::<i32>(None)), Value::Int(None));
        assert_eq!(
            <NullableKey<i32> as ValueType>::try_from(Value::Int(None)).ok(),
            Some(NullableKey(None))
        );
        assert_eq!(
            <NullableKey<i32> as ValueType>::try_from(Value::Int(Some(4))).ok(),
            Some(NullableKey(Some(4)))
        );
        assert!(NullableKey::<i32>::try_from_u64(1).is_err());
    }
}
