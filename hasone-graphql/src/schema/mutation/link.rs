//! `set*` and `create*` of an association: the link's transaction, the
//! changes it publishes, and its payload.

use async_graphql::{Context, Value as GqlValue};
use hasone::begin_write;
use hasone::tenancy::SchemaName;
use sea_orm::{DatabaseTransaction, Value};

use super::args::{LinkArgs, id_arg, input_values};
use super::core_error;
use crate::assoc::LinkedRows;
use crate::changes::Change;
use crate::context::shared;
use crate::error::ApiError;
use crate::model::{ColumnId, RowModel};
use crate::registry::{AssocId, AssocSpec, ObjectId, Registry};
use crate::schema::row::{Payload, Row, resolve_child};
use crate::statements::detached;

pub(super) async fn set(
    registry: &'static Registry,
    a: AssocId,
    ctx: &Context<'_>,
) -> Result<GqlValue, ApiError> {
    let assoc = &registry[a];
    let LinkArgs {
        args,
        schema,
        source,
    } = LinkArgs::of(registry, assoc, ctx)?;
    let target = id_arg(
        registry,
        assoc.target,
        &args,
        &assoc.target_arg(),
        schema.as_ref(),
    )?;
    link(registry, assoc, ctx, schema, source, Op::Set(target)).await
}

pub(super) async fn create(
    registry: &'static Registry,
    a: AssocId,
    ctx: &Context<'_>,
) -> Result<GqlValue, ApiError> {
    let assoc = &registry[a];
    let LinkArgs {
        args,
        schema,
        source,
    } = LinkArgs::of(registry, assoc, ctx)?;
    let target = &registry[assoc.target];
    let values = input_values(target, args.get("input"), false)?;
    link(registry, assoc, ctx, schema, source, Op::Create(values)).await
}

/// What [`link`] does: `set` to a target (or none), or `create` one with
/// these values.
enum Op {
    Set(Option<Value>),
    Create(Vec<(ColumnId, Value)>),
}

/// Runs `op` in a transaction of its own, again on transient failures,
/// commits it with the changes it made, and answers with its payload.
async fn link(
    registry: &'static Registry,
    assoc: &'static AssocSpec,
    ctx: &Context<'_>,
    schema: Option<SchemaName>,
    source: Value,
    op: Op,
) -> Result<GqlValue, ApiError> {
    let verb = match op {
        Op::Set(_) => "Set",
        Op::Create(_) => "Create",
    };
    let linked = commit_link(registry, assoc, ctx, schema.as_ref(), source, op).await?;
    answer(registry, assoc, verb, linked, schema, ctx).await
}

async fn commit_link(
    registry: &'static Registry,
    assoc: &'static AssocSpec,
    ctx: &Context<'_>,
    schema: Option<&SchemaName>,
    source: Value,
    op: Op,
) -> Result<LinkedRows, ApiError> {
    let shared = shared(ctx)?;
    let (db, changes, schema) = (shared.db.clone(), shared.changes.clone(), schema.cloned());
    // On a task of its own (see `detached`): the transaction holds a
    // connection and the source's row lock until it ends, whether or not
    // the request is polled meanwhile.
    let linked = detached(async move {
        let schema = schema.as_ref();
        hasone::retrying(|| async {
            let txn = begin_write(&db).await?;
            let source = source.clone();
            let linked = match &op {
                Op::Set(target) => {
                    assoc
                        .ops
                        .set_in(&txn, source, target.clone(), schema)
                        .await?
                }
                Op::Create(values) => {
                    assoc
                        .ops
                        .create_in(&txn, source, values.clone(), schema)
                        .await?
                }
            };
            let mut published = Vec::new();
            if linked.changed && changes.enabled() {
                published.push(Change::of(
                    registry,
                    assoc,
                    schema,
                    &linked.source,
                    linked.target.as_ref(),
                    linked.previous.as_ref(),
                ));
                if let (Some(before), Some(after)) = (&linked.target_before, &linked.target) {
                    published.extend(taken(registry, assoc, schema, &txn, before, after).await?);
                }
            }
            changes.commit(txn, published).await?;
            Ok(linked)
        })
        .await
    })
    .await
    .map_err(|e| ApiError::internal(&e))?;
    linked.map_err(core_error(registry))
}

/// The changes of the link `set` took its target from: the target's former
/// source, through `assoc` or another association on the same foreign key
/// (a shipping address set as a billing one), lost it.
async fn taken(
    registry: &'static Registry,
    assoc: &'static AssocSpec,
    schema: Option<&SchemaName>,
    txn: &DatabaseTransaction,
    before: &RowModel,
    after: &RowModel,
) -> Result<Vec<Change>, sea_orm::DbErr> {
    let mut changes = Vec::new();
    for former in registry
        .associations
        .iter()
        .filter(|a| a.target == assoc.target && a.foreign_key == assoc.foreign_key)
    {
        let same_link = std::ptr::eq(former, assoc) && former.ops.same_source(before, after);
        if same_link || !former.ops.links(before) {
            continue;
        }
        if let Some(source) = former.ops.source_in(txn, before).await? {
            changes.push(Change::of(
                registry,
                former,
                schema,
                &source,
                None,
                Some(after),
            ));
        }
    }
    Ok(changes)
}

async fn answer(
    registry: &'static Registry,
    assoc: &'static AssocSpec,
    verb: &str,
    linked: LinkedRows,
    schema: Option<SchemaName>,
    ctx: &Context<'_>,
) -> Result<GqlValue, ApiError> {
    let row = |object: ObjectId, model, schema: Option<SchemaName>| {
        Row::new(registry, object, model, schema)
    };
    let payload = Payload {
        name: assoc.payload(registry, verb),
        source_field: assoc.source_field(registry),
        target_field: assoc.field.clone(),
        source: row(assoc.source, linked.source, None),
        target: linked.target.map(|m| row(assoc.target, m, schema.clone())),
        previous: linked
            .previous
            .map(|m| row(assoc.target, m, schema.clone())),
    };
    resolve_child(ctx, &Some(payload)).await
}
