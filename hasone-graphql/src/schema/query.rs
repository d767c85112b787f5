//! The query fields: `node(id:)`, and `single(id:)` / `list(first:,
//! after:)` of the entities that declare them. A page or a single row
//! prefetches what its selection loads before its fields run
//! ([`crate::prefetch`]).

use async_graphql::registry::MetaField;
use async_graphql::{Context, Value};

use super::meta::{NODE, arg, field, id_examples};
use super::row::{Page, Row, resolve_child};
use super::{Args, schema_arg};
use crate::context::{loaders, shared};
use crate::error::ApiError;
use crate::ids::split_global_id;
use crate::prefetch::{prefetch, sets_of};
use crate::registry::{ObjectId, Registry};
use crate::statements::detached;

pub(crate) fn fields(registry: &Registry) -> Vec<MetaField> {
    let mut fields = Vec::new();
    for object in &registry.objects {
        if let Some(single) = object.single {
            let mut get = field(
                single,
                &object.name,
                &format!(
                    "A `{}` by global id or row id; null when there is none.",
                    object.name
                ),
            );
            get.args.extend([arg(
                "id",
                "ID!",
                &format!("Global id (`{}:<rowId>`) or row id.", object.name),
            )]);
            fields.push(get);
        }
        let Some(list) = object.list else {
            continue;
        };
        let order = if object.pk.is_some() {
            "by ascending primary key"
        } else {
            "in the order of their columns (cursors are offsets: rows written meanwhile shift them)"
        };
        let mut page = field(
            list,
            &format!("{}Connection!", object.name),
            &format!("`{}` rows {order}, as a Relay connection.", object.name),
        );
        page.args.extend([
            arg(
                "first",
                "Int",
                "Page size, 0 to the configured maximum (default 20).",
            ),
            arg("after", "String", "The `endCursor` of the previous page."),
        ]);
        fields.push(page);
    }
    let mut node = field(
        "node",
        NODE,
        "Fetches any object by its global id (Relay). Null when no such row.",
    );
    node.args.extend([arg(
        "id",
        "ID!",
        &format!("A global id, such as {}.", id_examples(registry)),
    )]);
    fields.push(node);
    fields
}

/// The default page size of a connection.
const DEFAULT_PAGE: u64 = 20;

pub(crate) async fn resolve(
    registry: &'static Registry,
    ctx: &Context<'_>,
) -> Result<Option<Value>, ApiError> {
    let name = ctx.item.node.name.node.as_str();
    if name == "node" {
        return node(registry, ctx).await.map(Some);
    }
    for (index, object) in registry.each_object() {
        if object.single == Some(name) {
            return single(registry, index, ctx).await.map(Some);
        }
        if object.list == Some(name) {
            return list(registry, index, ctx).await.map(Some);
        }
    }
    Ok(None)
}

async fn node(registry: &'static Registry, ctx: &Context<'_>) -> Result<Value, ApiError> {
    let args = Args::of(ctx)?;
    let id = args.id("id").unwrap_or_default();
    let Some(global) = split_global_id(&id) else {
        return Err(ApiError::bad_input(format!(
            "argument `id`: {id:?} is not a global id (expected \"<Type>:<id>\")"
        )));
    };
    let Some(index) = registry.by_name.get(global.ty).copied() else {
        return Err(ApiError::bad_input(format!(
            "argument `id`: unknown type {:?} in global id",
            global.ty
        )));
    };
    let object = &registry[index];
    let schema = schema_arg(ctx, global.schema.map(str::to_owned))?;
    if schema.is_some() && !object.tenant {
        return Err(ApiError::bad_input(format!(
            "argument `id`: `{}` rows live in the default schema only",
            object.name
        )));
    }
    let key = object
        .ops
        .parse_id(&id, static_name(registry, index), schema.as_ref())
        .map_err(|e| ApiError::bad_input(format!("argument `id`: {e}")))?;
    let row = by_id(registry, index, ctx, key, schema).await?;
    resolve_child(ctx, &row).await
}

/// The object's type name, borrowed from the registry (which lives for
/// the program).
fn static_name(registry: &'static Registry, index: ObjectId) -> &'static str {
    registry[index].name.as_str()
}

async fn by_id(
    registry: &'static Registry,
    index: ObjectId,
    ctx: &Context<'_>,
    key: sea_orm::Value,
    schema: Option<hasone::tenancy::SchemaName>,
) -> Result<Option<Row>, ApiError> {
    let object = &registry[index];
    let mut found = Box::pin(object.ops.by_ids(loaders(ctx)?, vec![key], schema.as_ref())).await?;
    Ok(found
        .pop()
        .flatten()
        .map(|model| Row::new(registry, index, model, schema)))
}

async fn single(
    registry: &'static Registry,
    index: ObjectId,
    ctx: &Context<'_>,
) -> Result<Value, ApiError> {
    let args = Args::of(ctx)?;
    let id = args.id("id").unwrap_or_default();
    let key = registry[index]
        .ops
        .parse_id(&id, static_name(registry, index), None)
        .map_err(|e| ApiError::bad_input(format!("argument `id`: {e}")))?;
    let mut row = by_id(registry, index, ctx, key, None).await?;
    if let Some(row) = &mut row {
        let object = &registry[index];
        let models = std::slice::from_ref(&row.model);
        object
            .ops
            .prime(loaders(ctx)?, models, &object.lookup_columns)
            .await;
        let sets = vec![&ctx.item.node.selection_set.node];
        row.prefetched = prefetch(ctx, registry, index, vec![row.model.clone()], sets).await;
    }
    resolve_child(ctx, &row).await
}

async fn list(
    registry: &'static Registry,
    index: ObjectId,
    ctx: &Context<'_>,
) -> Result<Value, ApiError> {
    let object = &registry[index];
    let args = Args::of(ctx)?;
    let shared = shared(ctx)?;
    let max = shared.max_page_size;
    let first = match args.get("first") {
        None => DEFAULT_PAGE,
        Some(Value::Number(n)) => n.as_u64().filter(|n| *n <= max).ok_or_else(|| {
            ApiError::bad_input(format!("argument `first` must be between 0 and {max}"))
        })?,
        Some(_) => {
            return Err(ApiError::bad_input(format!(
                "argument `first` must be between 0 and {max}"
            )));
        }
    };
    let after = match args.string("after") {
        Some(cursor) => Some(object.ops.parse_cursor(&cursor).ok_or_else(|| {
            ApiError::bad_input(format!("argument `after`: invalid cursor {cursor:?}"))
        })?),
        None => None,
    };
    let has_previous = after.is_some();
    // A page of an entity without ids starts one after the offset its
    // cursor names.
    let offset = object.pk.is_none().then(|| match &after {
        Some(sea_orm::Value::BigUnsigned(Some(at))) => at.saturating_add(1),
        _ => 0,
    });
    let loaders = loaders(ctx)?;
    // On a task of its own: see `detached`.
    let (db, ops) = (loaders.db().clone(), &registry[index].ops);
    let mut models = detached(async move { ops.page(&db, after, first + 1).await })
        .await
        .map_err(|e| ApiError::internal(&e))??;
    let has_next = models.len() as u64 > first;
    models.truncate(first as usize);
    object
        .ops
        .prime(loaders, &models, &object.lookup_columns)
        .await;
    // The rows' selections: `edges { node { … } }` and `nodes { … }`.
    let page = [&ctx.item.node.selection_set.node];
    let mut sets = sets_of(ctx, &sets_of(ctx, &page, "edges"), "node");
    sets.extend(sets_of(ctx, &page, "nodes"));
    let prefetched = prefetch(ctx, registry, index, models.clone(), sets).await;
    let rows: Vec<Row> = models
        .into_iter()
        .map(|model| Row {
            prefetched: prefetched.clone(),
            ..Row::new(registry, index, model, None)
        })
        .collect();
    let page = Page {
        registry,
        object: index,
        rows,
        has_previous,
        has_next,
        offset,
    };
    resolve_child(ctx, &page).await
}
