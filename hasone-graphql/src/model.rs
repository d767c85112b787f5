//! A row of any entity, as the GraphQL side holds it: its SeaORM `Model`
//! behind `Any` ([`RowModel`]), read back as `E::Model` ([`model`]) and
//! written from column values ([`active_model`]); and what a load of rows
//! gives ([`Found`], [`LoadError`]).

use std::any::Any;
use std::sync::Arc;

use hasone::Error;
use sea_orm::{ActiveModelTrait, DbErr, EntityTrait, Value};

/// A row of some entity (its `Model`), shared.
pub(crate) type RowModel = Arc<dyn Any + Send + Sync>;

/// A failed load, shared by every key of its statement.
pub(crate) type LoadError = Arc<DbErr>;

/// The targets (or sources) found for a batch of rows, one per row.
pub(crate) type Found = Result<Vec<Option<RowModel>>, LoadError>;

/// A column's place among its entity's columns (`E::Column::iter()`
/// order, which the registry's column list keeps).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct ColumnId(pub usize);

/// The model of a row of `E`; a row of another entity is a bug of the
/// caller, reported as an error rather than a panic.
pub(crate) fn model<E: EntityTrait>(row: &RowModel) -> Result<&E::Model, Error> {
    row.downcast_ref::<E::Model>().ok_or_else(|| {
        Error::Db(DbErr::Custom(format!(
            "a row of another entity where `{}` was expected",
            std::any::type_name::<E>()
        )))
    })
}

/// Column `column` of a row of `E` (`NULL` for a row of another entity or
/// a column `E` does not have: both bugs of the caller, never a panic).
pub(crate) fn column_value<E: EntityTrait>(
    columns: &[E::Column],
    row: &RowModel,
    column: ColumnId,
) -> Value {
    use sea_orm::ModelTrait;
    match (row.downcast_ref::<E::Model>(), columns.get(column.0)) {
        (Some(model), Some(column)) => model.get(*column),
        _ => Value::String(None),
    }
}

/// Rows read, as the GraphQL side holds them.
pub(crate) fn row_models<E: EntityTrait>(models: Vec<E::Model>) -> Vec<RowModel>
where
    E::Model: Sync,
{
    models
        .into_iter()
        .map(|m| Arc::new(m) as RowModel)
        .collect()
}

/// The active model of `values`, column by column (`try_set`: a value of
/// the wrong type is an error, not a panic; so is a column `E` does not
/// have, rather than a value left out).
pub(crate) fn active_model<E: EntityTrait>(
    columns: &[E::Column],
    values: Vec<(ColumnId, Value)>,
) -> Result<E::ActiveModel, Error>
where
    E::ActiveModel: ActiveModelTrait<Entity = E>,
{
    let mut active = <E::ActiveModel as ActiveModelTrait>::default();
    for (column, value) in values {
        active.try_set(*column_of::<E>(columns, column)?, value)?;
    }
    Ok(active)
}

/// Column `column` of `E`; one it does not have is a bug of the caller
/// (column ids come from the registry of `E`'s own columns), reported as
/// an error rather than a panic.
pub(crate) fn column_of<E: EntityTrait>(
    columns: &[E::Column],
    column: ColumnId,
) -> Result<&E::Column, Error> {
    columns.get(column.0).ok_or_else(|| {
        Error::Db(DbErr::Custom(format!(
            "column {} of `{}`, which has {}",
            column.0,
            std::any::type_name::<E>(),
            columns.len()
        )))
    })
}
