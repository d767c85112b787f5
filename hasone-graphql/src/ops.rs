//! What the API does with the rows of one entity, typed inside and
//! object-safe outside: the GraphQL types hold every entity behind one
//! trait, [`EntityOps`], implemented for each registered entity by
//! [`Ops`].

use std::any::Any;
use std::fmt::Debug;
use std::sync::Arc;

use async_graphql::Value as GqlValue;
use async_graphql::futures_util::future::join_all;
use hasone::tenancy::SchemaName;
use hasone::{Conditions, Error, Id, Key, Lookup, Scopes};
use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ColumnTrait, DatabaseConnection, DatabaseTransaction,
    DbErr, EntityTrait, IntoActiveModel, Iterable, ModelTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, TryIntoModel, Value,
};

use crate::assoc::AssociationOps;
use crate::ids::{IdError, IdValue, parse_cursor, parse_id};
use crate::loaders::Loaders;
use crate::model::{
    ColumnId, LoadError, RowModel, active_model, column_of, column_value, model, row_models,
};

#[async_trait::async_trait]
pub(crate) trait EntityOps: Send + Sync {
    /// The GraphQL type of `rowId`.
    fn id_scalar(&self) -> &'static str;

    /// The entity's `&'static Scopes<E>`, for its associations.
    fn scopes_any(&self) -> &'static (dyn Any + Send + Sync);

    /// Column `column` of a row.
    fn get(&self, row: &RowModel, column: ColumnId) -> Value;

    /// The row id, as written in ids and cursors.
    fn render_pk(&self, row: &RowModel) -> String;

    /// `rowId`.
    fn pk_graphql(&self, row: &RowModel) -> GqlValue;

    /// A key value (a foreign key holding this entity's primary key) as
    /// this entity's row id.
    fn render_key(&self, value: &Value) -> Option<String>;

    /// The primary key value an `ID` argument names.
    fn parse_id(
        &self,
        id: &str,
        ty: &'static str,
        schema: Option<&SchemaName>,
    ) -> Result<Value, IdError>;

    /// The primary key value of a cursor.
    fn parse_cursor(&self, cursor: &str) -> Option<Value>;

    /// Rows by primary key, batched with the request's other loads.
    async fn by_ids(
        &self,
        loaders: &Loaders,
        ids: Vec<Value>,
        schema: Option<&SchemaName>,
    ) -> Result<Vec<Option<RowModel>>, LoadError>;

    /// Keeps rows read otherwise for the request's lookups by `columns`
    /// (the primary key, and the source keys inverse fields look up by).
    async fn prime(&self, loaders: &Loaders, rows: &[RowModel], columns: &[ColumnId]);

    /// A page in primary key order, after `after`; `limit` rows at most.
    /// (Of an entity without ids: in its columns' order, `after` being the
    /// offset of the row a page starts after.)
    async fn page(
        &self,
        db: &DatabaseConnection,
        after: Option<Value>,
        limit: u64,
    ) -> Result<Vec<RowModel>, DbErr>;

    async fn count(&self, db: &DatabaseConnection) -> Result<u64, DbErr>;

    /// Inserts a row with these column values.
    async fn insert(
        &self,
        db: &DatabaseConnection,
        values: Vec<(ColumnId, Value)>,
    ) -> Result<RowModel, Error>;

    /// Updates the row `id` with these column values within `txn`, with
    /// what a changed source key does to tenant rows (`cascades`, in
    /// `schemas`); the row as it reads after, `None` when there is no such
    /// row.
    async fn update_in(
        &self,
        txn: &DatabaseTransaction,
        id: Value,
        values: Vec<(ColumnId, Value)>,
        cascades: &[&dyn AssociationOps],
        schemas: &[SchemaName],
    ) -> Result<Option<RowModel>, Error>;

    /// The row `id`, locked until `txn` ends (`FOR UPDATE` where the
    /// database has it).
    async fn lock_in(
        &self,
        txn: &DatabaseTransaction,
        id: Value,
    ) -> Result<Option<RowModel>, DbErr>;

    /// Deletes `row` within `txn`, applying `cascades` in `schemas` first;
    /// whether it was still there.
    async fn delete_in(
        &self,
        txn: &DatabaseTransaction,
        row: &RowModel,
        cascades: &[&dyn AssociationOps],
        schemas: &[SchemaName],
    ) -> Result<bool, Error>;

    /// The row of these column values (every column); `None` when one does
    /// not fit its column.
    fn row_of(&self, values: Vec<(ColumnId, Value)>) -> Option<RowModel>;
}

/// [`EntityOps`] of entity `E`.
pub(crate) struct Ops<E: EntityTrait> {
    columns: Vec<E::Column>,
    scopes: &'static Scopes<E>,
}

impl<E: EntityTrait> Ops<E> {
    pub fn new(scopes: &'static Scopes<E>) -> Self {
        Ops {
            columns: E::Column::iter().collect(),
            scopes,
        }
    }
}

/// The id of a row of `E`.
fn pk_of<E: EntityTrait>(row: &RowModel) -> Option<Id<E>>
where
    Id<E>: IdValue,
{
    let model = row.downcast_ref::<E::Model>()?;
    Id::<E>::from_value(&hasone::pk_value::<E>(model))
}

#[async_trait::async_trait]
impl<E> EntityOps for Ops<E>
where
    E: EntityTrait,
    E::Model: Sync + IntoActiveModel<E::ActiveModel>,
    E::ActiveModel:
        ActiveModelBehavior + ActiveModelTrait<Entity = E> + TryIntoModel<E::Model> + Send + Sync,
    Id<E>: IdValue + Debug,
{
    fn id_scalar(&self) -> &'static str {
        <Id<E> as IdValue>::SCALAR
    }

    fn scopes_any(&self) -> &'static (dyn Any + Send + Sync) {
        self.scopes
    }

    fn get(&self, row: &RowModel, column: ColumnId) -> Value {
        column_value::<E>(&self.columns, row, column)
    }

    fn render_pk(&self, row: &RowModel) -> String {
        pk_of::<E>(row).map(|id| id.render()).unwrap_or_default()
    }

    fn pk_graphql(&self, row: &RowModel) -> GqlValue {
        pk_of::<E>(row).map_or(GqlValue::Null, |id| id.to_graphql())
    }

    fn render_key(&self, value: &Value) -> Option<String> {
        Id::<E>::from_value(value).map(|id| id.render())
    }

    fn parse_id(
        &self,
        id: &str,
        ty: &'static str,
        schema: Option<&SchemaName>,
    ) -> Result<Value, IdError> {
        parse_id::<Id<E>>(id, ty, schema).map(|id| id.to_value())
    }

    fn parse_cursor(&self, cursor: &str) -> Option<Value> {
        parse_cursor::<Id<E>>(cursor).map(|id| id.to_value())
    }

    async fn by_ids(
        &self,
        loaders: &Loaders,
        ids: Vec<Value>,
        schema: Option<&SchemaName>,
    ) -> Result<Vec<Option<RowModel>>, LoadError> {
        let keys: Vec<Key<E>> = ids
            .into_iter()
            .map(|id| {
                Key::new(
                    Lookup::primary_key(),
                    id,
                    Conditions::none(),
                    schema.cloned(),
                )
            })
            .collect();
        join_all(keys.into_iter().map(|key| loaders.load(key)))
            .await
            .into_iter()
            .collect()
    }

    async fn prime(&self, loaders: &Loaders, rows: &[RowModel], columns: &[ColumnId]) {
        let mut primed: Vec<(Key<E>, RowModel)> = Vec::with_capacity(rows.len() * columns.len());
        for column in columns.iter().filter_map(|c| self.columns.get(c.0)) {
            for row in rows {
                let Some(model) = row.downcast_ref::<E::Model>() else {
                    continue;
                };
                let value = model.get(*column);
                if value == value.as_null() {
                    continue;
                }
                let key = Key::new(Lookup::by_column(*column), value, Conditions::none(), None);
                primed.push((key, row.clone()));
            }
        }
        loaders.prime(primed);
    }

    async fn page(
        &self,
        db: &DatabaseConnection,
        after: Option<Value>,
        limit: u64,
    ) -> Result<Vec<RowModel>, DbErr> {
        let pk = hasone::pk_column::<E>();
        let mut query = E::find().order_by_asc(pk);
        if let Some(after) = after {
            query = query.filter(pk.gt(after));
        }
        let rows = query.limit(limit).all(db).await?;
        Ok(row_models::<E>(rows))
    }

    async fn count(&self, db: &DatabaseConnection) -> Result<u64, DbErr> {
        E::find().count(db).await
    }

    async fn insert(
        &self,
        db: &DatabaseConnection,
        values: Vec<(ColumnId, Value)>,
    ) -> Result<RowModel, Error> {
        let active = active_model::<E>(&self.columns, values)?;
        let model = active.insert(db).await?;
        Ok(Arc::new(model))
    }

    async fn update_in(
        &self,
        txn: &DatabaseTransaction,
        id: Value,
        values: Vec<(ColumnId, Value)>,
        cascades: &[&dyn AssociationOps],
        schemas: &[SchemaName],
    ) -> Result<Option<RowModel>, Error> {
        let pk = hasone::pk_column::<E>();
        // Locked: a concurrent delete waits for this update, or wins
        // before it.
        let Some(before) = E::find()
            .filter(pk.eq(id))
            .lock_exclusive()
            .one(txn)
            .await?
        else {
            return Ok(None);
        };
        let mut active = before.clone().into_active_model();
        for (column, value) in values {
            active.try_set(*column_of::<E>(&self.columns, column)?, value)?;
        }
        if !active.is_changed() {
            return Ok(Some(Arc::new(before)));
        }
        let after = match active.update(txn).await {
            // Deleted between the read and the update.
            Err(DbErr::RecordNotUpdated) => return Ok(None),
            other => other?,
        };
        let (before, after): (RowModel, RowModel) = (Arc::new(before), Arc::new(after));
        for schema in schemas {
            for cascade in cascades {
                cascade
                    .cascade_key_changed(txn, &before, &after, schema)
                    .await?;
            }
        }
        Ok(Some(after))
    }

    async fn lock_in(
        &self,
        txn: &DatabaseTransaction,
        id: Value,
    ) -> Result<Option<RowModel>, DbErr> {
        let pk = hasone::pk_column::<E>();
        let row = E::find()
            .filter(pk.eq(id))
            .lock_exclusive()
            .one(txn)
            .await?;
        Ok(row.map(|m| Arc::new(m) as RowModel))
    }

    async fn delete_in(
        &self,
        txn: &DatabaseTransaction,
        row: &RowModel,
        cascades: &[&dyn AssociationOps],
        schemas: &[SchemaName],
    ) -> Result<bool, Error> {
        for schema in schemas {
            for cascade in cascades {
                cascade.cascade_deleted(txn, row, schema).await?;
            }
        }
        let pk = hasone::pk_column::<E>();
        let id = hasone::pk_value::<E>(model::<E>(row)?);
        let result = E::delete_many().filter(pk.eq(id)).exec(txn).await?;
        Ok(result.rows_affected > 0)
    }

    fn row_of(&self, values: Vec<(ColumnId, Value)>) -> Option<RowModel> {
        let active = active_model::<E>(&self.columns, values).ok()?;
        let model: E::Model = active.try_into_model().ok()?;
        Some(Arc::new(model))
    }
}
