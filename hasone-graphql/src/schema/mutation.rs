//! The mutations: `set*` and `create*` of every association (Sequelize's
//! `setAssociation`, `createAssociation`), and `create*`, `update*`,
//! `delete*` of every entity that has them. Every mutation empties the
//! request's loaders, so that later fields read the new state.

use std::sync::Arc;

use async_graphql::registry::MetaField;
use async_graphql::{Context, Value as GqlValue};
use hasone::begin_write;
use hasone::tenancy::SchemaName;
use sea_orm::{DatabaseTransaction, DbBackend, Value};

use super::meta::{arg, field};
use super::row::{Payload, Row, resolve_child};
use super::{Args, schema_arg};
use crate::assoc::{AssociationOps, LinkedRows};
use crate::changes::Change;
use crate::context::{Shared, loaders, shared};
use crate::error::ApiError;
use crate::ids::global_id;
use crate::model::RowModel;
use crate::names::{and_list, article, camel, pascal};
use crate::registry::{AssocSpec, ColumnRole, ObjectSpec, Registry};
use crate::statements::detached;
use crate::value::ColumnKind;

/// What a mutation field does.
enum Spec {
    Set(usize),
    Create(usize),
    Insert(usize),
    Update(usize),
    Delete(usize),
}

fn specs(registry: &Registry) -> Vec<(String, Spec)> {
    let mut specs = Vec::new();
    for (a, assoc) in registry.associations.iter().enumerate() {
        specs.push((assoc.mutation(registry, "set"), Spec::Set(a)));
        specs.push((assoc.mutation(registry, "create"), Spec::Create(a)));
    }
    for (o, object) in registry.objects.iter().enumerate() {
        if !object.crud {
            continue;
        }
        if creatable(registry, o) {
            specs.push((format!("create{}", object.name), Spec::Insert(o)));
        }
        specs.push((format!("update{}", object.name), Spec::Update(o)));
        specs.push((format!("delete{}", object.name), Spec::Delete(o)));
    }
    specs
}

/// Whether rows can be created unlinked: not when a `NOT NULL` foreign
/// key needs a source (create them with `create<Source><Assoc>`).
fn creatable(registry: &Registry, object: usize) -> bool {
    !registry
        .associations
        .iter()
        .any(|a| a.target == object && !a.ops.nullable())
}

/// `setProfile`, `createBillingAddress`: Sequelize's accessor names.
fn accessor(verb: &str, assoc: &AssocSpec) -> String {
    format!("{verb}{}", pascal(&assoc.field))
}

pub(crate) fn fields(registry: &Registry) -> Vec<MetaField> {
    specs(registry)
        .into_iter()
        .map(|(name, spec)| match spec {
            Spec::Set(a) => set_field(registry, &registry.associations[a], &name),
            Spec::Create(a) => create_field(registry, &registry.associations[a], &name),
            Spec::Insert(o) => {
                let object = &registry.objects[o];
                let linked = object.target.then(|| {
                    registry
                        .associations
                        .iter()
                        .filter(|a| a.target == o)
                        .map(|a| format!("`{}`", a.mutation(registry, "set")))
                        .collect::<Vec<_>>()
                        .join(", ")
                });
                let a = article(&object.name);
                let description = match linked {
                    Some(with) => format!(
                        "Creates {a} `{}` linked to nobody (link it with {with}).",
                        object.name
                    ),
                    None => format!("Creates {a} `{}`.", object.name),
                };
                let mut f = field(&name, &object.name, &description);
                for (_, column) in object.scope_columns() {
                    f.args.extend([arg(
                        &column.field,
                        &format!("{}!", column.kind.graphql_type()),
                        &column.description,
                    )]);
                }
                f.args.extend([arg(
                    "input",
                    &format!("{}!", object.create_input()),
                    "Values of the new row.",
                )]);
                f
            }
            Spec::Update(o) => {
                let object = &registry.objects[o];
                let a = article(&object.name);
                let description = if object.target {
                    format!(
                        "Updates {a} `{}`'s own columns (its link moves with `set*`).",
                        object.name
                    )
                } else {
                    format!("Updates {a} `{}`.", object.name)
                };
                let mut f = field(&name, &object.name, &description);
                f.args.extend([
                    arg("id", "ID!", "Global id or row id."),
                    arg(
                        "input",
                        &format!("{}!", object.update_input()),
                        "The columns to change.",
                    ),
                ]);
                f
            }
            Spec::Delete(o) => {
                let object = &registry.objects[o];
                let (mut stay, mut go) = (Vec::new(), Vec::new());
                for assoc in registry.associations.iter().filter(|a| a.source == o) {
                    let name = format!("`{}`", assoc.field);
                    match assoc.ops.delete_rule() {
                        hasone::OnDelete::Cascade => go.push(name),
                        hasone::OnDelete::SetNull => stay.push(name),
                    }
                }
                let mut description = format!(
                    "Deletes {} `{}`; returns its global id.",
                    article(&object.name),
                    object.name
                );
                if !stay.is_empty() || !go.is_empty() {
                    description.push_str(
                        " Its targets follow each association's `onDelete`, in every schema:",
                    );
                    if !stay.is_empty() {
                        description.push_str(&format!(" {} stay, unlinked", and_list(&stay)));
                    }
                    if !go.is_empty() {
                        description.push_str(&format!(
                            "{} {} deleted with it",
                            if stay.is_empty() { "" } else { ";" },
                            and_list(&go)
                        ));
                    }
                    description.push('.');
                }
                let mut f = field(&name, "ID", &description);
                f.args.extend([arg("id", "ID!", "Global id or row id.")]);
                f
            }
        })
        .collect()
}

fn set_field(registry: &Registry, assoc: &AssocSpec, name: &str) -> MetaField {
    let source = &registry.objects[assoc.source];
    let target = &registry.objects[assoc.target];
    let scope = scope_text(assoc);
    let (verb, null) = if assoc.ops.destroys_previous() {
        (
            "deletes",
            if assoc.ops.unlinkable() {
                "null only deletes it"
            } else {
                "null is refused (BAD_USER_INPUT): its foreign key is NOT NULL"
            },
        )
    } else {
        ("unlinks", "null only unlinks")
    };
    let mut description = format!(
        "`{}.{}({})`: {verb} the current `{}` and links this one{scope}; {null}.",
        camel(&source.name),
        accessor("set", assoc),
        camel(&target.name),
        target.name,
    );
    description.push_str(&no_key_note(registry, assoc));
    let mut f = field(name, &assoc.payload(registry, "Set"), &description);
    f.args.extend([
        source_id_arg(registry, assoc),
        arg(
            &assoc.target_arg(),
            "ID",
            "The target to link (global id or row id); null only unlinks the current one.",
        ),
    ]);
    if registry.tenancy {
        f.args.extend([arg(
            "schema",
            "String",
            "Read and write the target table in this allowlisted schema.",
        )]);
    }
    f
}

fn create_field(registry: &Registry, assoc: &AssocSpec, name: &str) -> MetaField {
    let source = &registry.objects[assoc.source];
    let target = &registry.objects[assoc.target];
    let previous = if assoc.ops.destroys_previous() {
        format!("deleting the current `{}`", target.name)
    } else {
        format!("unlinking the current `{}`", target.name)
    };
    let mut description = format!(
        "`{}.{}(values)`: creates {} `{}` linked to the {}{}, {previous}.",
        camel(&source.name),
        accessor("create", assoc),
        article(&target.name),
        target.name,
        camel(&source.name),
        scope_text(assoc),
    );
    description.push_str(&no_key_note(registry, assoc));
    let mut f = field(name, &assoc.payload(registry, "Create"), &description);
    f.args.extend([
        source_id_arg(registry, assoc),
        arg(
            "input",
            &format!("{}!", target.create_input()),
            "Values of the new target.",
        ),
    ]);
    if registry.tenancy {
        f.args.extend([arg(
            "schema",
            "String",
            "Create the target in this allowlisted schema.",
        )]);
    }
    f
}

/// The `<source>Id: ID!` argument of `assoc`'s fields.
pub(crate) fn source_id_arg(
    registry: &Registry,
    assoc: &AssocSpec,
) -> (String, async_graphql::registry::MetaInputValue) {
    arg(
        &assoc.source_arg(registry),
        "ID!",
        "The source: its global id or row id.",
    )
}

/// What happens to a source without a key (a nullable source key other
/// than the primary key).
fn no_key_note(registry: &Registry, assoc: &AssocSpec) -> String {
    match assoc.ops.nullable_source_key() {
        Some(column) => format!(
            " Refused with CONFLICT when the {} has no `{column}`.",
            camel(&registry.objects[assoc.source].name)
        ),
        None => String::new(),
    }
}

/// ` (setting `kind = billing`)`, or nothing without an association scope.
fn scope_text(assoc: &AssocSpec) -> String {
    let columns = assoc.ops.scope_assignments();
    if columns.is_empty() {
        return String::new();
    }
    format!(" (setting {})", columns.join(", "))
}

pub(crate) async fn resolve(
    registry: &'static Registry,
    ctx: &Context<'_>,
) -> Result<Option<GqlValue>, ApiError> {
    let name = ctx.item.node.name.node.as_str();
    let Some((_, spec)) = specs(registry).into_iter().find(|(n, _)| n == name) else {
        return Ok(None);
    };
    let result = match spec {
        Spec::Set(a) => set(registry, a, ctx).await,
        Spec::Create(a) => create(registry, a, ctx).await,
        Spec::Insert(o) => insert(registry, o, ctx).await,
        Spec::Update(o) => update(registry, o, ctx).await,
        Spec::Delete(o) => delete(registry, o, ctx).await,
    };
    // Later fields of the request read the new state (or the unchanged
    // one, if this failed half-way: nothing was committed).
    loaders(ctx)?.clear();
    result.map(Some)
}

/// The GraphQL type of the table `table`, for messages.
fn type_of(registry: &Registry, table: &str) -> Option<String> {
    registry
        .objects
        .iter()
        .find(|o| o.table == table)
        .map(|o| o.name.clone())
}

fn core_error(registry: &Registry) -> impl Fn(hasone::Error) -> ApiError + '_ {
    move |err| ApiError::from_core(err, |table| type_of(registry, table))
}

/// The primary key an `ID` argument names.
fn id_arg(
    registry: &'static Registry,
    object: usize,
    args: &Args,
    name: &str,
    schema: Option<&SchemaName>,
) -> Result<Option<Value>, ApiError> {
    let Some(id) = args.id(name) else {
        return Ok(None);
    };
    let spec = &registry.objects[object];
    spec.ops
        .parse_id(&id, spec.name.as_str(), schema)
        .map(Some)
        .map_err(|e| ApiError::bad_input(format!("argument `{name}`: {e}")))
}

fn required(value: Option<Value>, name: &str) -> Result<Value, ApiError> {
    value.ok_or_else(|| ApiError::bad_input(format!("argument `{name}` is required")))
}

/// What `set` and `create` both take: the arguments, the `schema` and the
/// source id.
struct LinkArgs {
    args: Args,
    schema: Option<SchemaName>,
    source: Value,
}

impl LinkArgs {
    fn of(
        registry: &'static Registry,
        assoc: &AssocSpec,
        ctx: &Context<'_>,
    ) -> Result<Self, ApiError> {
        let args = Args::of(ctx)?;
        let schema = schema_arg(ctx, args.string("schema"))?;
        let source_arg = assoc.source_arg(registry);
        let source = required(
            id_arg(registry, assoc.source, &args, &source_arg, None)?,
            &source_arg,
        )?;
        Ok(LinkArgs {
            args,
            schema,
            source,
        })
    }
}

async fn set(
    registry: &'static Registry,
    a: usize,
    ctx: &Context<'_>,
) -> Result<GqlValue, ApiError> {
    let assoc = &registry.associations[a];
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

async fn create(
    registry: &'static Registry,
    a: usize,
    ctx: &Context<'_>,
) -> Result<GqlValue, ApiError> {
    let assoc = &registry.associations[a];
    let LinkArgs {
        args,
        schema,
        source,
    } = LinkArgs::of(registry, assoc, ctx)?;
    let target = &registry.objects[assoc.target];
    let values = input_values(target, args.get("input"), false)?;
    link(registry, assoc, ctx, schema, source, Op::Create(values)).await
}

/// What [`link`] does: `set` to a target (or none), or `create` one with
/// these values.
enum Op {
    Set(Option<Value>),
    Create(Vec<(usize, Value)>),
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
    let row = |object: usize, model, schema: Option<SchemaName>| {
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

/// The column values of an input object: checked, defaults applied (for a
/// new row), a UUID primary key generated when omitted.
fn input_values(
    object: &ObjectSpec,
    input: Option<&GqlValue>,
    update: bool,
) -> Result<Vec<(usize, Value)>, ApiError> {
    let fields = match input {
        Some(GqlValue::Object(fields)) => Some(fields),
        _ => None,
    };
    let mut values = Vec::new();
    for (index, column) in object.input_columns() {
        let is_pk = matches!(column.role, ColumnRole::PrimaryKey { .. });
        if update && is_pk {
            continue;
        }
        let given = fields.and_then(|f| f.get(column.field.as_str()));
        let value = match given {
            Some(value) => Some(column_value(column, value)?),
            None if update => None,
            None if is_pk && matches!(column.kind, ColumnKind::Uuid) => {
                Some(Value::Uuid(Some(uuid::Uuid::new_v4())))
            }
            None => column.default_value.clone(),
        };
        if let Some(value) = value {
            values.push((index, value));
        }
    }
    Ok(values)
}

/// One input value, checked as its column says.
fn column_value(column: &crate::registry::ColumnSpec, value: &GqlValue) -> Result<Value, ApiError> {
    let bad = |why: String| ApiError::bad_input(format!("field `{}` {why}", column.field));
    if *value == GqlValue::Null && !column.nullable {
        return Err(bad("must not be null".to_owned()));
    }
    let stored = column.kind.from_graphql(value).map_err(&bad)?;
    if let Value::String(Some(text)) = &stored
        && text.chars().count() < column.min_chars
    {
        return Err(bad(format!(
            "must have at least {} characters",
            column.min_chars
        )));
    }
    if stored != stored.as_null() {
        for check in &column.checks {
            check(&stored).map_err(&bad)?;
        }
    }
    Ok(stored)
}

async fn insert(
    registry: &'static Registry,
    o: usize,
    ctx: &Context<'_>,
) -> Result<GqlValue, ApiError> {
    let object = &registry.objects[o];
    let args = Args::of(ctx)?;
    let mut values = input_values(object, args.get("input"), false)?;
    for (index, column) in object.scope_columns() {
        let given = args.get(&column.field).unwrap_or(&GqlValue::Null);
        values.push((index, column_value(column, given)?));
    }
    let db = shared(ctx)?.db.clone();
    // On a task of its own: see `detached`.
    let model = detached(async move { registry.objects[o].ops.insert(&db, values).await })
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

fn cascades(registry: &'static Registry, object: usize) -> Vec<&'static dyn AssociationOps> {
    registry
        .associations
        .iter()
        .filter(|a| a.source == object)
        .map(|a| a.ops.as_ref())
        .collect()
}

fn not_found(object: &ObjectSpec, args: &Args) -> ApiError {
    ApiError::NotFound(format!(
        "{} {} not found",
        object.name,
        args.id("id").unwrap_or_default()
    ))
}

async fn update(
    registry: &'static Registry,
    o: usize,
    ctx: &Context<'_>,
) -> Result<GqlValue, ApiError> {
    let object = &registry.objects[o];
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
    o: usize,
    shared: Arc<Shared>,
    id: Value,
    values: Vec<(usize, Value)>,
) -> Result<Option<RowModel>, ApiError> {
    let object = &registry.objects[o];
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
                && values
                    .iter()
                    .any(|(i, _)| object.columns[*i].column == a.ops.source_key_column())
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
        let targets = &registry.objects[assoc.target].ops;
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

async fn delete(
    registry: &'static Registry,
    o: usize,
    ctx: &Context<'_>,
) -> Result<GqlValue, ApiError> {
    let object = &registry.objects[o];
    let args = Args::of(ctx)?;
    let id = required(id_arg(registry, o, &args, "id", None)?, "id")?;
    let rendered = object.ops.render_key(&id).unwrap_or_default();
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
    o: usize,
    shared: Arc<Shared>,
    id: Value,
) -> Result<bool, ApiError> {
    let object = &registry.objects[o];
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
    o: usize,
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
