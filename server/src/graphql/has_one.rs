//! How has-one associations are exposed: the field resolver, the
//! `set`/`create` mutation resolvers, and the macro that declares an
//! association's mutations and payload types.
//!
//! A has-one field is one call: [`get`] builds the dataloader key and loads.
//! Adding an association takes its `HasOne` declaration in `entities`, one
//! field calling [`get`] on the source type, and one [`has_one_mutations!`].

use async_graphql::{Context, ID};
use entities::has_one::{HasOne, Key, Linked, Lookup, ScopeSet, Scoped};
use entities::tenancy::{Allowlist, SchemaName};
use sea_orm::{ActiveModelTrait, DatabaseConnection, EntityTrait, Value};

use super::error::ApiError;
use super::loaders::Loaders;
use super::relay::{FromRow, NodeType, parse_id};

pub(crate) fn loaders<'a>(ctx: &Context<'a>) -> Result<&'a Loaders, ApiError> {
    ctx.data::<Loaders>()
        .map_err(|e| ApiError::internal(&e.message))
}

pub(crate) fn db<'a>(ctx: &Context<'a>) -> Result<&'a DatabaseConnection, ApiError> {
    ctx.data::<DatabaseConnection>()
        .map_err(|e| ApiError::internal(&e.message))
}

/// The allowlisted schema a `schema` argument names.
pub fn schema_arg(
    ctx: &Context<'_>,
    schema: Option<String>,
) -> Result<Option<SchemaName>, ApiError> {
    let Some(schema) = schema else {
        return Ok(None);
    };
    let allowlist = ctx
        .data::<Allowlist>()
        .map_err(|e| ApiError::internal(&e.message))?;
    allowlist
        .check(&schema)
        .map(Some)
        .map_err(|e| ApiError::bad_input(format!("argument `schema`: {e}")))
}

/// `source.getAssociation({ scope, schema })`, batched per request.
pub async fn get<S, T, G, O>(
    ctx: &Context<'_>,
    assoc: &'static HasOne<S, T>,
    source: &S::Model,
    scope: Option<Vec<G>>,
    schema: Option<String>,
) -> Result<Option<O>, ApiError>
where
    S: EntityTrait,
    T: Scoped<Model: Sync>,
    G: Into<T::Scope>,
    O: FromRow<T::Model>,
{
    let schema = schema_arg(ctx, schema)?;
    load(ctx, assoc.key(source, scope_set::<T, G>(scope), schema)).await
}

/// The model scopes a `scope` argument asks for; the field ([`get`]) and
/// the prefetch must build the same keys.
pub(crate) fn scope_set<T: Scoped, G: Into<T::Scope>>(scope: Option<Vec<G>>) -> ScopeSet<T::Scope> {
    ScopeSet::from_request::<T>(scope.map(|s| s.into_iter().map(Into::into).collect()))
}

/// The row of `T` with id `id` in `schema` (a belongsTo inverse, `node`,
/// `user`), batched per request.
pub async fn by_id<T, O>(
    ctx: &Context<'_>,
    id: Option<i32>,
    schema: Option<SchemaName>,
) -> Result<Option<O>, ApiError>
where
    T: Scoped<Model: Sync>,
    O: FromRow<T::Model>,
{
    match id {
        Some(id) => load(ctx, id_key::<T>(id, schema)).await,
        None => Ok(None),
    }
}

/// The row of `T` that `lookup` finds for `value` (a belongsTo inverse
/// through a non-primary key), batched per request.
pub async fn by_lookup<T, O>(
    ctx: &Context<'_>,
    lookup: Lookup<T>,
    value: Value,
    schema: Option<SchemaName>,
) -> Result<Option<O>, ApiError>
where
    T: Scoped<Model: Sync>,
    O: FromRow<T::Model>,
{
    load(ctx, lookup_key(lookup, value, schema)).await
}

/// The loader key of [`by_id`]; the prefetch builds the same.
pub(crate) fn id_key<T: Scoped>(id: i32, schema: Option<SchemaName>) -> Key<T> {
    lookup_key(Lookup::primary_key(), Value::from(id), schema)
}

/// The loader key of [`by_lookup`]; the prefetch builds the same.
pub(crate) fn lookup_key<T: Scoped>(
    lookup: Lookup<T>,
    value: Value,
    schema: Option<SchemaName>,
) -> Key<T> {
    Key::new(lookup, value, ScopeSet::unscoped(), schema)
}

async fn load<T, O>(ctx: &Context<'_>, key: Key<T>) -> Result<Option<O>, ApiError>
where
    T: Scoped<Model: Sync>,
    O: FromRow<T::Model>,
{
    let schema = key.schema().cloned();
    // Boxed: the loader's future holds the whole batch load (the statements
    // and their connections), and async-graphql moves every field's future
    // of this object into a box of the largest one's size, `id` included.
    let row = Box::pin(loaders(ctx)?.load(key)).await?;
    Ok(row.map(|row| O::from_row(row, schema)))
}

/// What `set` and `create` changed, and the schema of the target rows.
pub struct Rows<S: EntityTrait, T: EntityTrait>(pub Linked<S, T>, pub Option<SchemaName>);

/// `source.setAssociation(target)`; `target: None` only unlinks.
pub async fn set<S, T>(
    ctx: &Context<'_>,
    assoc: &'static HasOne<S, T>,
    source: (&str, ID),
    target: Option<(&str, ID)>,
    schema: Option<String>,
) -> Result<Rows<S, T>, ApiError>
where
    S: NodeType,
    T: NodeType + Scoped,
{
    let schema = schema_arg(ctx, schema)?;
    let source_id = parse_id::<S>(source.0, &source.1, None)?;
    let target_id = target
        .map(|(arg, id)| parse_id::<T>(arg, &id, schema.as_ref()))
        .transpose()?;
    let linked = assoc
        .set(db(ctx)?, source_id, target_id, schema.as_ref())
        .await;
    loaders(ctx)?.clear();
    Ok(Rows(linked?, schema))
}

/// `source.createAssociation(values)`.
pub async fn create<S, T, A>(
    ctx: &Context<'_>,
    assoc: &'static HasOne<S, T>,
    source: (&str, ID),
    values: A,
    schema: Option<String>,
) -> Result<Rows<S, T>, ApiError>
where
    S: NodeType,
    T: NodeType + Scoped,
    A: ActiveModelTrait<Entity = T> + Send,
{
    let schema = schema_arg(ctx, schema)?;
    let source_id = parse_id::<S>(source.0, &source.1, None)?;
    let linked = assoc
        .create(db(ctx)?, source_id, values, schema.as_ref())
        .await;
    loaders(ctx)?.clear();
    Ok(Rows(linked?, schema))
}

/// Declares the `set<Source><Assoc>` and `create<Source><Assoc>` mutations
/// of one association, and their payload types.
macro_rules! has_one_mutations {
    (
        $mutation:ident for $assoc:path {
            source: $Source:ident ($SourceEntity:path) as $source_field:tt, arg $source_arg:tt,
            target: $Target:ident ($TargetEntity:path) as $target_field:tt, arg $target_arg:tt,
            create: $create_name:tt ($Input:ty) -> $CreatePayload:ident, doc $create_doc:tt,
            set: $set_name:tt -> $SetPayload:ident, doc $set_doc:tt $(,)?
        }
    ) => {
        #[derive(Default)]
        pub struct $mutation;

        #[async_graphql::Object]
        impl $mutation {
            #[doc = $set_doc]
            #[graphql(name = $set_name)]
            async fn set(
                &self,
                ctx: &async_graphql::Context<'_>,
                #[graphql(name = $source_arg, desc = "The source: its global id or row id.")]
                source: async_graphql::ID,
                #[graphql(name = $target_arg, desc = "The target to link (global id or row id); null only unlinks the current one.")]
                target: Option<async_graphql::ID>,
                #[graphql(desc = "Read and write the target table in this allowlisted schema.")]
                schema: Option<String>,
            ) -> Result<Option<$SetPayload>, $crate::graphql::error::ApiError> {
                let target = target.map(|id| ($target_arg, id));
                $crate::graphql::has_one::set(ctx, &$assoc, ($source_arg, source), target, schema)
                    .await
                    .map(|rows| Some($SetPayload(rows)))
            }

            #[doc = $create_doc]
            #[graphql(name = $create_name)]
            async fn create(
                &self,
                ctx: &async_graphql::Context<'_>,
                #[graphql(name = $source_arg, desc = "The source: its global id or row id.")]
                source: async_graphql::ID,
                #[graphql(desc = "Values of the new target.")]
                input: $Input,
                #[graphql(desc = "Create the target in this allowlisted schema.")]
                schema: Option<String>,
            ) -> Result<Option<$CreatePayload>, $crate::graphql::error::ApiError> {
                let values = $crate::graphql::types::Input::into_active_model(input)?;
                $crate::graphql::has_one::create(ctx, &$assoc, ($source_arg, source), values, schema)
                    .await
                    .map(|rows| Some($CreatePayload(rows)))
            }
        }

        $crate::graphql::has_one::has_one_mutations!(@payload $SetPayload,
            $Source ($SourceEntity) as $source_field, $Target ($TargetEntity) as $target_field);
        $crate::graphql::has_one::has_one_mutations!(@payload $CreatePayload,
            $Source ($SourceEntity) as $source_field, $Target ($TargetEntity) as $target_field);
    };
    (@payload $Payload:ident, $Source:ident ($SourceEntity:path) as $source_field:tt,
        $Target:ident ($TargetEntity:path) as $target_field:tt) => {
        /// The result of a has-one mutation.
        pub struct $Payload(pub $crate::graphql::has_one::Rows<$SourceEntity, $TargetEntity>);

        #[async_graphql::Object]
        impl $Payload {
            /// The source row.
            #[graphql(name = $source_field)]
            async fn source(&self) -> $Source {
                $crate::graphql::relay::FromRow::from_row(self.0.0.source.clone(), None)
            }

            /// The target now linked; null after unlinking.
            #[graphql(name = $target_field)]
            async fn target(&self) -> Option<$Target> {
                let schema = &self.0.1;
                self.0.0.target.clone().map(|row| {
                    $crate::graphql::relay::FromRow::from_row(row, schema.clone())
                })
            }

            /// The target that was unlinked (its foreign key set to null), if any.
            async fn previous(&self) -> Option<$Target> {
                let schema = &self.0.1;
                self.0.0.previous.clone().map(|row| {
                    $crate::graphql::relay::FromRow::from_row(row, schema.clone())
                })
            }
        }
    };
}

pub(crate) use has_one_mutations;
