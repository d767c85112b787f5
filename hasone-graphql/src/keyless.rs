//! [`EntityOps`] of an entity served read-only, without ids: a table
//! without a primary key, with a key of several columns, or a view
//! ([`crate::Registry::read_only`]). Its rows are read a page at a time,
//! in the order of its columns, from an offset (its cursor); everything
//! that needs a row id (lookups, writes) is refused.

use std::any::Any;

use async_graphql::Value as GqlValue;
use hasone::tenancy::SchemaName;
use hasone::{Error, Scopes};
use sea_orm::{
    DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait, IdenStatic, Iterable,
    PaginatorTrait, PrimaryKeyToColumn, QueryOrder, QuerySelect, Value,
};

use crate::assoc::AssociationOps;
use crate::ids::IdError;
use crate::loaders::Loaders;
use crate::model::{ColumnId, LoadError, RowModel, column_value, row_models};
use crate::ops::EntityOps;

/// The cursor of the row at `offset` (0: the first row): the page after
/// it starts at `offset + 1`.
pub(crate) fn offset_cursor(offset: u64) -> String {
    format!("offset:{offset}")
}

/// The offset a cursor names. None is above `i64::MAX - 1`: the next page
/// starts one further, and no backend takes an offset above `i64::MAX`
/// (sea-query's binders panic on such a `u64`).
fn parse_offset_cursor(cursor: &str) -> Option<u64> {
    let offset: u64 = cursor.strip_prefix("offset:")?.parse().ok()?;
    (offset < i64::MAX as u64).then_some(offset)
}

/// [`EntityOps`] of a read-only entity `E`.
pub(crate) struct KeylessOps<E: EntityTrait> {
    columns: Vec<E::Column>,
    /// The order pages are read in: the primary key's columns as the
    /// entity declares them, then every other column that can be ordered.
    order: Vec<E::Column>,
    name: &'static str,
}

impl<E: EntityTrait> KeylessOps<E> {
    /// The ops of `E`, exposed as the type `name`; `orderable(i)` says
    /// whether its `i`th column can be sorted (not JSON, not a type read
    /// as text).
    pub fn new(name: &'static str, orderable: impl Fn(usize) -> bool) -> Self {
        let columns: Vec<E::Column> = E::Column::iter().collect();
        let mut order: Vec<E::Column> = E::PrimaryKey::iter().map(|k| k.into_column()).collect();
        for (i, column) in columns.iter().enumerate() {
            let listed = order.iter().any(|c| c.as_str() == column.as_str());
            if !listed && orderable(i) {
                order.push(*column);
            }
        }
        KeylessOps {
            columns,
            order,
            name,
        }
    }

    fn read_only(&self) -> Error {
        Error::BadInput(format!("`{}` is read-only: it has no row ids", self.name))
    }
}

#[async_trait::async_trait]
impl<E> EntityOps for KeylessOps<E>
where
    E: EntityTrait,
    E::Model: Sync,
{
    fn id_scalar(&self) -> &'static str {
        "ID"
    }

    fn scopes_any(&self) -> &'static (dyn Any + Send + Sync) {
        // Never the target of an association (`Registry::has_one` refuses
        // a read-only entity): no scopes of its own.
        &Scopes::<E>::NONE
    }

    fn get(&self, row: &RowModel, column: ColumnId) -> Value {
        column_value::<E>(&self.columns, row, column)
    }

    fn render_pk(&self, _: &RowModel) -> String {
        String::new()
    }

    fn pk_graphql(&self, _: &RowModel) -> GqlValue {
        GqlValue::Null
    }

    fn render_key(&self, _: &Value) -> Option<String> {
        None
    }

    fn parse_id(
        &self,
        id: &str,
        ty: &'static str,
        _: Option<&SchemaName>,
    ) -> Result<Value, IdError> {
        Err(IdError::NoIds {
            id: id.to_owned(),
            ty,
        })
    }

    fn parse_cursor(&self, cursor: &str) -> Option<Value> {
        parse_offset_cursor(cursor).map(|offset| Value::BigUnsigned(Some(offset)))
    }

    async fn by_ids(
        &self,
        _: &Loaders,
        ids: Vec<Value>,
        _: Option<&SchemaName>,
    ) -> Result<Vec<Option<RowModel>>, LoadError> {
        Ok(vec![None; ids.len()])
    }

    async fn prime(&self, _: &Loaders, _: &[RowModel], _: &[ColumnId]) {}

    async fn page(
        &self,
        db: &DatabaseConnection,
        after: Option<Value>,
        limit: u64,
    ) -> Result<Vec<RowModel>, DbErr> {
        let offset = match after {
            Some(Value::BigUnsigned(Some(at))) => at.saturating_add(1),
            _ => 0,
        };
        let mut query = E::find();
        for column in &self.order {
            query = query.order_by_asc(*column);
        }
        let rows = query.offset(offset).limit(limit).all(db).await?;
        Ok(row_models::<E>(rows))
    }

    async fn count(&self, db: &DatabaseConnection) -> Result<u64, DbErr> {
        E::find().count(db).await
    }

    async fn insert(
        &self,
        _: &DatabaseConnection,
        _: Vec<(ColumnId, Value)>,
    ) -> Result<RowModel, Error> {
        Err(self.read_only())
    }

    async fn update_in(
        &self,
        _: &DatabaseTransaction,
        _: Value,
        _: Vec<(ColumnId, Value)>,
        _: &[&dyn AssociationOps],
        _: &[SchemaName],
    ) -> Result<Option<RowModel>, Error> {
        Err(self.read_only())
    }

    async fn lock_in(&self, _: &DatabaseTransaction, _: Value) -> Result<Option<RowModel>, DbErr> {
        Ok(None)
    }

    async fn delete_in(
        &self,
        _: &DatabaseTransaction,
        _: &RowModel,
        _: &[&dyn AssociationOps],
        _: &[SchemaName],
    ) -> Result<bool, Error> {
        Err(self.read_only())
    }

    fn row_of(&self, _: Vec<(ColumnId, Value)>) -> Option<RowModel> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offset_cursors_round_trip() {
        for offset in [0, 1, 19, i64::MAX as u64 - 1] {
            assert_eq!(parse_offset_cursor(&offset_cursor(offset)), Some(offset));
        }
        assert_eq!(parse_offset_cursor("after:3"), None);
        assert_eq!(parse_offset_cursor(&offset_cursor(i64::MAX as u64)), None);
        assert_eq!(parse_offset_cursor(&offset_cursor(u64::MAX)), None);
        assert_eq!(parse_offset_cursor("offset:-1"), None);
        assert_eq!(parse_offset_cursor("offset:x"), None);
    }
}
