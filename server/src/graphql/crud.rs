//! Minimal create/update/delete of any entity, shared by every type.

use async_graphql::{Context, ID};
use sea_orm::{ActiveModelBehavior, ActiveModelTrait, EntityTrait, IntoActiveModel};

use super::error::ApiError;
use super::has_one::{db, loaders};
use super::relay::{NodeType, global_id, parse_id};

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

/// Updates the row of `E` named by argument `arg` with `patch`.
pub async fn update<E>(
    ctx: &Context<'_>,
    arg: &str,
    id: &ID,
    patch: impl FnOnce(&mut E::ActiveModel) -> Result<(), ApiError>,
) -> Result<E::Model, ApiError>
where
    E: NodeType,
    E::Model: IntoActiveModel<E::ActiveModel>,
    E::ActiveModel: ActiveModelBehavior + Send,
{
    let row = parse_id::<E>(arg, id, None)?;
    let db = db(ctx)?;
    let model = E::find_by_id(row)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("{} {row} not found", E::TYPE)))?;
    let mut values = model.clone().into_active_model();
    patch(&mut values)?;
    if !values.is_changed() {
        return Ok(model);
    }
    let model = values.update(db).await?;
    loaders(ctx)?.clear();
    Ok(model)
}

/// Deletes the row of `E` named by argument `arg`; returns its global id.
/// Targets linked to a deleted source keep their row, with a null foreign
/// key (`ON DELETE SET NULL`).
pub async fn delete<E: NodeType>(ctx: &Context<'_>, arg: &str, id: &ID) -> Result<ID, ApiError> {
    let row = parse_id::<E>(arg, id, None)?;
    let result = E::delete_by_id(row).exec(db(ctx)?).await?;
    loaders(ctx)?.clear();
    if result.rows_affected == 0 {
        return Err(ApiError::NotFound(format!("{} {row} not found", E::TYPE)));
    }
    Ok(global_id::<E>(row, None))
}
