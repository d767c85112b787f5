//! Minimal create/update/delete of any entity, shared by every type.

use async_graphql::{Context, ID};
use entities::has_one::{TenantCascade, begin_write};
use entities::tenancy::{Allowlist, SchemaName};
use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait,
    IntoActiveModel, QuerySelect,
};

use super::error::ApiError;
use super::has_one::{db, loaders};
use super::relay::{NodeType, global_id, parse_id};

/// An entity whose deletion or key change reaches rows in tenant schemas
/// (it is the source of associations).
pub trait Cascading: EntityTrait {
    /// The associations whose targets follow this entity's rows.
    fn tenant_cascades() -> &'static [&'static dyn TenantCascade<Self>] {
        &[]
    }
}

/// The tenant schemas in which hasone must apply `ON DELETE` and `ON UPDATE`
/// itself: on SQLite, whose attached files have no foreign keys between
/// them; none elsewhere (the database does it).
fn schemas_without_foreign_keys<'a>(
    ctx: &Context<'a>,
    db: &DatabaseConnection,
) -> &'a [SchemaName] {
    match (db.get_database_backend(), ctx.data::<Allowlist>()) {
        (DbBackend::Sqlite, Ok(allowlist)) => allowlist.names(),
        _ => &[],
    }
}

/// Inserts a row.
pub async fn insert<A>(
    ctx: &Context<'_>,
    values: A,
) -> Result<<A::Entity as EntityTrait>::Model, ApiError>
where
    A: ActiveModelTrait + ActiveModelBehavior + Send,
    <A::Entity as EntityTrait>::Model: IntoActiveModel<A>,
{
    let model = values.insert(db(ctx)?).await?;
    loaders(ctx)?.clear();
    Ok(model)
}

/// Updates the row of `E` named by argument `arg` with `patch`, in one
/// transaction with what a changed key does to tenant rows.
pub async fn update<E>(
    ctx: &Context<'_>,
    arg: &str,
    id: &ID,
    patch: impl FnOnce(&mut E::ActiveModel) -> Result<(), ApiError>,
) -> Result<E::Model, ApiError>
where
    E: NodeType + Cascading,
    E::Model: IntoActiveModel<E::ActiveModel> + Sync,
    E::ActiveModel: ActiveModelBehavior + Send,
{
    let row = parse_id::<E>(arg, id, None)?;
    let db = db(ctx)?;
    let not_found = || ApiError::NotFound(format!("{} {row} not found", E::TYPE));
    let txn = begin_write(db).await?;
    // Locked: a concurrent delete waits for this update, or wins before it.
    let before = E::find_by_id(row)
        .lock_exclusive()
        .one(&txn)
        .await?
        .ok_or_else(not_found)?;
    let mut values = before.clone().into_active_model();
    patch(&mut values)?;
    if !values.is_changed() {
        return Ok(before);
    }
    let after = match values.update(&txn).await {
        // Deleted between the read and the update.
        Err(DbErr::RecordNotUpdated) => return Err(not_found()),
        other => other?,
    };
    for schema in schemas_without_foreign_keys(ctx, db) {
        for cascade in E::tenant_cascades() {
            cascade
                .source_key_changed(&txn, &before, &after, schema)
                .await?;
        }
    }
    txn.commit().await?;
    loaders(ctx)?.clear();
    Ok(after)
}

/// Deletes the row of `E` named by argument `arg`; returns its global id.
/// Its targets follow their association's `onDelete` (unlinked, or deleted
/// with it), in every schema.
pub async fn delete<E>(ctx: &Context<'_>, arg: &str, id: &ID) -> Result<ID, ApiError>
where
    E: NodeType + Cascading,
    E::Model: Sync,
{
    let row = parse_id::<E>(arg, id, None)?;
    let db = db(ctx)?;
    let not_found = || ApiError::NotFound(format!("{} {row} not found", E::TYPE));
    let txn = begin_write(db).await?;
    let schemas = schemas_without_foreign_keys(ctx, db);
    if !schemas.is_empty() && !E::tenant_cascades().is_empty() {
        let source = E::find_by_id(row).one(&txn).await?.ok_or_else(not_found)?;
        for schema in schemas {
            for cascade in E::tenant_cascades() {
                cascade.source_deleted(&txn, &source, schema).await?;
            }
        }
    }
    let result = E::delete_by_id(row).exec(&txn).await?;
    if result.rows_affected == 0 {
        return Err(not_found());
    }
    txn.commit().await?;
    loaders(ctx)?.clear();
    Ok(global_id::<E>(row, None))
}
