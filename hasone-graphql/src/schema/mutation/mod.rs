//! The mutations: `set*` and `create*` of every association (Sequelize's
//! `setAssociation`, `createAssociation`), and `create*`, `update*`,
//! `delete*` of every entity that has them. Every mutation empties the
//! request's loaders, so that later fields read the new state.
//!
//! Here which field does what; fields.rs shows them in the schema,
//! args.rs reads their arguments, link.rs runs `set*` and `create*`,
//! crud.rs `create*`, `update*` and `delete*` of an entity.

mod args;
mod crud;
mod fields;
mod link;

use async_graphql::{Context, Value as GqlValue};

pub(crate) use fields::{fields, source_id_arg};

use crate::context::loaders;
use crate::error::ApiError;
use crate::registry::{AssocId, ObjectId, Registry};

/// What a mutation field does.
enum Spec {
    Set(AssocId),
    Create(AssocId),
    Insert(ObjectId),
    Update(ObjectId),
    Delete(ObjectId),
}

fn specs(registry: &Registry) -> Vec<(String, Spec)> {
    let mut specs = Vec::new();
    for (a, assoc) in registry.each_association() {
        specs.push((assoc.mutation(registry, "set"), Spec::Set(a)));
        specs.push((assoc.mutation(registry, "create"), Spec::Create(a)));
    }
    for (o, object) in registry.each_object() {
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
fn creatable(registry: &Registry, object: ObjectId) -> bool {
    !registry
        .associations
        .iter()
        .any(|a| a.target == object && !a.ops.nullable())
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
        Spec::Set(a) => link::set(registry, a, ctx).await,
        Spec::Create(a) => link::create(registry, a, ctx).await,
        Spec::Insert(o) => crud::insert(registry, o, ctx).await,
        Spec::Update(o) => crud::update(registry, o, ctx).await,
        Spec::Delete(o) => crud::delete(registry, o, ctx).await,
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
