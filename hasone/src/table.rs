//! Tables, primary keys and rows by id, in a schema when one is given.

use std::fmt::Debug;

use sea_orm::sea_query::{Alias, TableRef};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, Iterable, ModelTrait, PrimaryKeyToColumn,
    PrimaryKeyTrait, QueryFilter, QuerySelect, QueryTrait, Value,
};

use crate::error::Error;
use crate::tenancy::SchemaName;

/// The primary key value type of `E`.
pub type Id<E> = <<E as EntityTrait>::PrimaryKey as PrimaryKeyTrait>::ValueType;

/// The table of `E`, in `schema` when one is given (names come from the
/// allowlist only, never from raw input).
pub fn table<E: EntityTrait>(schema: Option<&SchemaName>) -> TableRef {
    let entity = E::default();
    match schema {
        Some(schema) => (Alias::new(schema.as_str()), Alias::new(entity.table_name())).into(),
        None => entity.table_ref(),
    }
}

/// The primary key column of `E`. hasone supports single-column primary
/// keys; for a composite one this is its first column.
#[allow(clippy::expect_used)] // every SeaORM entity has a primary key
pub fn pk_column<E: EntityTrait>() -> E::Column {
    E::PrimaryKey::iter()
        .next()
        .map(|pk| pk.into_column())
        .expect("a SeaORM entity has a primary key")
}

/// The primary key value of a row.
pub fn pk_value<E: EntityTrait>(model: &E::Model) -> Value {
    model.get(pk_column::<E>())
}

/// The row of `E` with id `id` in `schema`, locked for the transaction
/// (`FOR UPDATE` where the database has it).
pub async fn find_by_id<E: EntityTrait, C: ConnectionTrait>(
    db: &C,
    id: Id<E>,
    schema: Option<&SchemaName>,
) -> Result<E::Model, Error>
where
    Id<E>: Clone + Debug,
{
    let mut query = E::find_by_id(id.clone()).lock_exclusive();
    QueryTrait::query(&mut query)
        .from_clear()
        .from(table::<E>(schema));
    query
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found::<E>(&id))
}

/// The row `model` reads as now, in `schema`.
pub(crate) async fn reload<E: EntityTrait, C: ConnectionTrait>(
    db: &C,
    model: &E::Model,
    schema: Option<&SchemaName>,
) -> Result<E::Model, Error> {
    let pk = pk_value::<E>(model);
    let mut query = E::find().filter(pk_column::<E>().eq(pk.clone()));
    QueryTrait::query(&mut query)
        .from_clear()
        .from(table::<E>(schema));
    query
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found::<E>(&pk))
}
