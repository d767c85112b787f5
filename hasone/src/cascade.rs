//! What an association does to its targets in a tenant schema when its
//! source is deleted or its source key changes, done by hasone itself
//! where the database cannot: SQLite's attached files cannot reference
//! each other, so tenant tables there have no foreign key to the source.
//! PostgreSQL and MariaDB enforce the same rules with real foreign keys.

use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, DatabaseTransaction, DbErr, EntityTrait, ModelTrait, QueryFilter, QueryTrait,
};

use crate::association::{HasOne, OnDelete};
use crate::table::table;
use crate::tenancy::SchemaName;

/// An association's `ON DELETE` and `ON UPDATE CASCADE`, applied by hand in
/// one schema. Object-safe: a source's associations to different targets
/// are one list.
#[async_trait::async_trait]
pub trait TenantCascade<S: EntityTrait>: Send + Sync {
    /// `ON DELETE`: unlinks (`SET NULL`) or deletes (`CASCADE`) the targets
    /// of `source` in `schema`.
    async fn source_deleted(
        &self,
        db: &DatabaseTransaction,
        source: &S::Model,
        schema: &SchemaName,
    ) -> Result<(), DbErr>;

    /// `ON UPDATE CASCADE`: moves the targets of `before` to the key of
    /// `after` when the source key changed.
    async fn source_key_changed(
        &self,
        db: &DatabaseTransaction,
        before: &S::Model,
        after: &S::Model,
        schema: &SchemaName,
    ) -> Result<(), DbErr>;
}

#[async_trait::async_trait]
impl<S, T> TenantCascade<S> for HasOne<S, T>
where
    S: EntityTrait<Model: Sync>,
    T: EntityTrait,
{
    async fn source_deleted(
        &self,
        db: &DatabaseTransaction,
        source: &S::Model,
        schema: &SchemaName,
    ) -> Result<(), DbErr> {
        let key = source.get(self.source_key);
        if key == key.as_null() {
            return Ok(());
        }
        match self.delete_rule() {
            OnDelete::SetNull => {
                let mut update = T::update_many()
                    .col_expr(self.foreign_key, Expr::value(key.as_null()))
                    .filter(self.foreign_key.eq(key));
                QueryTrait::query(&mut update).table(table::<T>(Some(schema)));
                update.exec(db).await?;
            }
            OnDelete::Cascade => {
                let mut delete = T::delete_many().filter(self.foreign_key.eq(key));
                QueryTrait::query(&mut delete).from_table(table::<T>(Some(schema)));
                delete.exec(db).await?;
            }
        }
        Ok(())
    }

    async fn source_key_changed(
        &self,
        db: &DatabaseTransaction,
        before: &S::Model,
        after: &S::Model,
        schema: &SchemaName,
    ) -> Result<(), DbErr> {
        let (old, new) = (before.get(self.source_key), after.get(self.source_key));
        if old == new || old == old.as_null() {
            return Ok(());
        }
        let mut update = T::update_many()
            .col_expr(self.foreign_key, Expr::value(new))
            .filter(self.foreign_key.eq(old));
        QueryTrait::query(&mut update).table(table::<T>(Some(schema)));
        update.exec(db).await.map(|_| ())
    }
}
