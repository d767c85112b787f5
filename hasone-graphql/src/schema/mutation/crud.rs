//! `create*`, `update*` and `delete*` of an entity, with what they do to
//! its links: cascades in tenant schemas, and the changes published.

use std::sync::Arc;

use async_graphql::{Context, Value as GqlValue};
use hasone::begin_write;
use hasone::tenancy::SchemaName;
use sea_orm::{DatabaseTransaction, DbBackend, Value};

use super::args::{column_value, id_arg, input_values, required};
use super::core_error;
use crate::assoc::AssociationOps;
use crate::changes::Change;
use crate::context::{Shared, shared};
use crate::error::ApiError;
use crate::ids::global_id;
use crate::model::{ColumnId, RowModel};
use crate::registry::{AssocSpec, ObjectId, ObjectSpec, Registry};
use crate::schema::Args;
use crate::schema::row::{Row, resolve_child};
use crate::statements::detached;

pub(super) async fn insert(
    registry: &'static Registry,
    o: ObjectId,
    ctx: &Context<'_>,
) -> Result<GqlValue, ApiError> {
    let object = &registry[o];
    let args = Args::of(ctx)?;
    let mut values = input_values(object, args.get("input"), false)?;
    for (index, column) in object.scope_columns() {
        let given = args.get(&column.field).unwrap_or(&GqlValue::Null);
        values.push((index, column_value(column, given)?));
    }
    let db = shared(ctx)?.db.clone();
    // On a task of its own: see `detached`.
    let model = detached(async move { registry[o].ops.insert(&db, values).await })
        .await
        .map_err(|e| ApiError::internal(&e))?
        .map_err(core_error(registry))?;
    let row = Row::new(registry, o, model, None);
    resolve_child(ctx, &Some(row)).await
}

/// The tenant schemas in which hasone applies `ON DELETE` and `ON UPDATE`
/// itself: on SQLite, whose attached files have no foreign keys between
/// them; none elsewhere (the database does it).
fn schemas_without_foreign_keys(shared: &Shared) -> Vec<SchemaName> {
    match shared.db.get_database_backend() {
        DbBackend::Sqlite => shared.allowlist.names().to_vec(),
        _ => Vec::new(),
    }
}

fn cascades(registry: &'static Registry, object: ObjectId) -> Vec<&'static dyn AssociationOps> {
    registry
        .associations
        .iter()
        .filter(|a| a.source == object)
        .map(|a| a.ops.as_ref())
        .collect()
}

fn not_found(object: &ObjectSpec, args: &Args) -> ApiError {
    ApiError::not_found(&object.name, &args.id("id").unwrap_or_default())
}

pub(super) async fn update(
    registry: &'static Registry,
    o: ObjectId,
    ctx: &Context<'_>,
) -> Result<GqlValue, ApiError> {
    let object = &registry[o];
    let args = Args::of(ctx)?;
    let id = required(id_arg(registry, o, &args, "id", None)?, "id")?;
    let values = input_values(object, args.get("input"), true)?;
    let shared = shared(ctx)?.clone();
    // On a task of its own: see `detached`.
    let updated = detached(update_in(registry, o, shared, id, values))
        .await
        .map_err(|e| ApiError::internal(&e))??;
    let model = updated.ok_or_else(|| not_found(object, &args))?;
    let row = Row::new(registry, o, model, None);
    resolve_child(ctx, &Some(row)).await
}

/// [`update`]'s transaction: the row as it reads after the update, `None`
/// when there is no such row.
async fn update_in(
    registry: &'static Registry,
    o: ObjectId,
    shared: Arc<Shared>,
    id: Value,
    values: Vec<(ColumnId, Value)>,
) -> Result<Option<RowModel>, ApiError> {
    let object = &registry[o];
    let fail = core_error(registry);
    let txn = begin_write(&shared.db).await?;
    // A source key that changes can unlink (set to null, `ON UPDATE
    // CASCADE` takes the foreign keys along): its links are read first.
    let watched: Vec<&'static AssocSpec> = registry
        .associations
        .iter()
        .filter(|a| {
            a.source == o
                && shared.changes.enabled()
                && values.iter().any(|(i, _)| *i == a.source_key)
        })
        .collect();
    let mut before = Vec::new();
    if !watched.is_empty()
        && let Some(row) = object.ops.lock_in(&txn, id.clone()).await?
    {
        for assoc in &watched {
            for schema in schemas_of(registry, &shared) {
                let linked = assoc.ops.current_in(&txn, &row, schema).await;
                if let Some(target) = linked? {
                    before.push((*assoc, schema.cloned(), target));
                }
            }
        }
    }
    let updated = object
        .ops
        .update_in(
            &txn,
            id,
            values,
            &cascades(registry, o),
            &schemas_without_foreign_keys(&shared),
        )
        .await
        .map_err(&fail)?;
    let Some(model) = updated else {
        return Ok(None);
    };
    let mut published = Vec::new();
    for (assoc, schema, target) in before {
        let now = assoc.ops.current_in(&txn, &model, schema.as_ref()).await;
        let now = now?;
        let targets = &registry[assoc.target].ops;
        if now.as_ref().map(|n| targets.render_pk(n)) != Some(targets.render_pk(&target)) {
            let previous = assoc.ops.unlinked(&target);
            published.push(Change::of(
                registry,
                assoc,
                schema.as_ref(),
                &model,
                now.as_ref(),
                Some(&previous),
            ));
        }
    }
    shared.changes.commit(txn, published).await?;
    Ok(Some(model))
}

/// The default schema, and the tenant schemas when the registry has them.
fn schemas_of<'a>(
    registry: &Registry,
    shared: &'a Shared,
) -> impl Iterator<Item = Option<&'a SchemaName>> {
    let tenants = if registry.tenancy {
        shared.allowlist.names()
    } else {
        &[]
    };
    std::iter::once(None).chain(tenants.iter().map(Some))
}

pub(super) async fn delete(
    registry: &'static Registry,
    o: ObjectId,
    ctx: &Context<'_>,
) -> Result<GqlValue, ApiError> {
    let object = &registry[o];
    let args = Args::of(ctx)?;
    let id = required(id_arg(registry, o, &args, "id", None)?, "id")?;
    // Parsed as this object's id just above: always an id of it.
    let rendered = object.ops.render_key(&id).ok_or_else(|| {
        ApiError::internal(&format!("{id:?} does not render as a `{}` id", object.name))
    })?;
    let shared = shared(ctx)?.clone();
    // On a task of its own: see `detached`.
    let deleted = detached(delete_in(registry, o, shared, id))
        .await
        .map_err(|e| ApiError::internal(&e))??;
    if !deleted {
        return Err(not_found(object, &args));
    }
    Ok(GqlValue::String(global_id(&object.name, &rendered, None)))
}

/// [`delete`]'s transaction: whether there was such a row.
async fn delete_in(
    registry: &'static Registry,
    o: ObjectId,
    shared: Arc<Shared>,
    id: Value,
) -> Result<bool, ApiError> {
    let object = &registry[o];
    let fail = core_error(registry);
    let txn = begin_write(&shared.db).await?;
    let Some(row) = object.ops.lock_in(&txn, id).await? else {
        return Ok(false);
    };
    let links = if shared.changes.enabled() {
        links_of(registry, o, &row, &txn, &shared).await?
    } else {
        Vec::new()
    };
    let deleted = object
        .ops
        .delete_in(
            &txn,
            &row,
            &cascades(registry, o),
            &schemas_without_foreign_keys(&shared),
        )
        .await
        .map_err(&fail)?;
    if !deleted {
        return Ok(false);
    }
    let changes = links
        .into_iter()
        .map(|link| link.change(registry, &row))
        .collect();
    shared.changes.commit(txn, changes).await?;
    Ok(true)
}

/// A link of a row being deleted, read before the delete: the change it
/// makes for subscribers of that association's source.
enum Link {
    /// The row is the association's source; `target` was linked to it.
    Source {
        assoc: &'static AssocSpec,
        schema: Option<SchemaName>,
        target: RowModel,
    },
    /// The row is the target, linked to `source`.
    Target {
        assoc: &'static AssocSpec,
        source: RowModel,
    },
}

impl Link {
    fn change(self, registry: &Registry, deleted: &RowModel) -> Change {
        match self {
            Link::Source {
                assoc,
                schema,
                target,
            } => {
                // The previous target as it reads after the delete:
                // unlinked, or deleted with its source.
                let previous = match assoc.ops.delete_rule() {
                    hasone::OnDelete::SetNull => assoc.ops.unlinked(&target),
                    hasone::OnDelete::Cascade => target,
                };
                Change::of(
                    registry,
                    assoc,
                    schema.as_ref(),
                    deleted,
                    None,
                    Some(&previous),
                )
            }
            Link::Target { assoc, source } => {
                Change::of(registry, assoc, None, &source, None, Some(deleted))
            }
        }
    }
}

/// The links of `row` (of object `o`) in every association, as sources in
/// every schema and as target in the default one.
async fn links_of(
    registry: &'static Registry,
    o: ObjectId,
    row: &RowModel,
    txn: &DatabaseTransaction,
    shared: &Shared,
) -> Result<Vec<Link>, sea_orm::DbErr> {
    let mut links = Vec::new();
    for assoc in &registry.associations {
        if assoc.source == o {
            for schema in schemas_of(registry, shared) {
                if let Some(target) = assoc.ops.current_in(txn, row, schema).await? {
                    links.push(Link::Source {
                        assoc,
                        schema: schema.cloned(),
                        target,
                    });
                }
            }
        }
        // Linked through this association: its foreign key and its scope
        // (a shipping address is not the billing one).
        if assoc.target == o
            && assoc.ops.links(row)
            && let Some(source) = assoc.ops.source_in(txn, row).await?
        {
            links.push(Link::Target { assoc, source });
        }
    }
    Ok(links)
}
