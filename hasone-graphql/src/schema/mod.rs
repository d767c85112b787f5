//! The GraphQL side of a registry: the [`Queries`] and [`Mutations`] roots an
//! application merges into its own (or uses as they are), and the objects
//! they answer with.

mod meta;
mod mutation;
mod query;
mod row;
mod subscription;

use std::borrow::Cow;
use std::marker::PhantomData;

use async_graphql::parser::types::Field;
use async_graphql::registry::Registry as Meta;
use async_graphql::resolver_utils::{ContainerType, resolve_container, resolve_container_serial};
use async_graphql::{
    Context, ContextSelectionSet, Name, ObjectType, OutputType, Positioned, ServerError,
    ServerResult, Value,
};
use hasone::ScopeRef;
use hasone::tenancy::SchemaName;

pub use row::Row;
pub use subscription::Subscriptions;

use crate::app::{App, registry};
use crate::assoc::scope_ref;
use crate::context::shared;
use crate::error::ApiError;
use crate::registry::AssocSpec;

/// The query fields of an application's registry: `node(id:)`, and each
/// entity's own `single(id:)` and `list(first:, after:)` where declared.
/// Merge it into a query root with `#[derive(MergedObject)]`.
pub struct Queries<A>(PhantomData<fn() -> A>);

/// The mutations of an application's registry: `set*` and `create*` of
/// every association, `create*`, `update*` and `delete*` of every entity
/// with them. Merge it into a mutation root with `#[derive(MergedObject)]`.
pub struct Mutations<A>(PhantomData<fn() -> A>);

impl<A> Default for Queries<A> {
    fn default() -> Self {
        Queries(PhantomData)
    }
}

impl<A> Default for Mutations<A> {
    fn default() -> Self {
        Mutations(PhantomData)
    }
}

impl<A: App> OutputType for Queries<A> {
    fn type_name() -> Cow<'static, str> {
        Cow::Borrowed(A::ROOT_NAMES.query)
    }

    // Registered whatever is there: a merged root of the same name has
    // put a placeholder under it, and takes these fields from it.
    fn create_type_info(meta: &mut Meta) -> String {
        let registry = registry::<A>();
        meta::register(registry, meta);
        let fields = query::fields(registry);
        let name = A::ROOT_NAMES.query;
        meta.types.insert(
            name.to_owned(),
            meta::object_type_of(
                name,
                "Reads: rows by global id (`node`), lookups and pages.",
                fields,
            ),
        );
        name.to_owned()
    }

    async fn resolve(
        &self,
        ctx: &ContextSelectionSet<'_>,
        _field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        resolve_container(ctx, self).await
    }
}

impl<A: App> ContainerType for Queries<A> {
    async fn resolve_field(&self, ctx: &Context<'_>) -> ServerResult<Option<Value>> {
        query::resolve(registry::<A>(), ctx)
            .await
            .map_err(|e| fail(ctx, e))
    }
}

impl<A: App> ObjectType for Queries<A> {}

impl<A: App> OutputType for Mutations<A> {
    fn type_name() -> Cow<'static, str> {
        Cow::Borrowed(A::ROOT_NAMES.mutation)
    }

    fn create_type_info(meta: &mut Meta) -> String {
        let registry = registry::<A>();
        meta::register(registry, meta);
        let fields = mutation::fields(registry);
        let name = A::ROOT_NAMES.mutation;
        meta.types.insert(
            name.to_owned(),
            meta::object_type_of(name, "Writes: `set*` and `create*` of each association, and each entity's `create*`, `update*` and `delete*`.", fields),
        );
        name.to_owned()
    }

    async fn resolve(
        &self,
        ctx: &ContextSelectionSet<'_>,
        _field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        resolve_container_serial(ctx, self).await
    }
}

impl<A: App> ContainerType for Mutations<A> {
    async fn resolve_field(&self, ctx: &Context<'_>) -> ServerResult<Option<Value>> {
        mutation::resolve(registry::<A>(), ctx)
            .await
            .map_err(|e| fail(ctx, e))
    }
}

impl<A: App> ObjectType for Mutations<A> {}

/// An API error as the field's GraphQL error: its code, the field's
/// position and path (an error already resolved keeps its own).
pub(crate) fn fail(ctx: &Context<'_>, err: ApiError) -> ServerError {
    match err {
        ApiError::Resolved(err) => err,
        err => ctx.set_error_path(async_graphql::Error::from(err).into_server_error(ctx.item.pos)),
    }
}

/// The allowlisted schema a `schema` argument names.
pub(crate) fn schema_arg(
    ctx: &Context<'_>,
    schema: Option<String>,
) -> Result<Option<SchemaName>, ApiError> {
    let Some(schema) = schema else {
        return Ok(None);
    };
    shared(ctx)?
        .allowlist
        .check(&schema)
        .map(Some)
        .map_err(|e| ApiError::bad_input(format!("argument `schema`: {e}")))
}

/// A field's arguments, variables resolved (validation has checked their
/// types against the registry).
pub(crate) struct Args(Vec<(Name, Value)>);

impl Args {
    pub fn of(ctx: &Context<'_>) -> Result<Self, ApiError> {
        ctx.field()
            .arguments()
            .map(Args)
            .map_err(ApiError::Resolved)
    }

    pub fn get(&self, name: &str) -> Option<&Value> {
        self.0
            .iter()
            .find(|(n, _)| n.as_str() == name)
            .map(|(_, v)| v)
            .filter(|v| **v != Value::Null)
    }

    pub fn string(&self, name: &str) -> Option<String> {
        match self.get(name)? {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }

    /// An `ID` argument as text (GraphQL takes an ID as a string or an int).
    pub fn id(&self, name: &str) -> Option<String> {
        self.string(name)
    }

    /// A `scope` argument: `None` when omitted, the names otherwise.
    pub fn scopes(&self, assoc: &AssocSpec) -> Result<Option<Vec<String>>, ApiError> {
        let Some(value) = self.get("scope") else {
            return Ok(None);
        };
        let names: Vec<String> = match value {
            Value::List(items) => items
                .iter()
                .filter_map(|v| match v {
                    Value::Enum(n) => Some(n.to_string()),
                    Value::String(s) => Some(s.clone()),
                    _ => None,
                })
                .collect(),
            // One value for a list argument (input coercion); an enum from a
            // JSON variable arrives as a string.
            Value::Enum(n) => vec![n.to_string()],
            Value::String(s) => vec![s.clone()],
            _ => Vec::new(),
        };
        let refs: Vec<ScopeRef<'_>> = names.iter().map(|n| scope_ref(n)).collect();
        assoc
            .ops
            .check_scopes(&refs)
            .map_err(|e| ApiError::bad_input(format!("argument `scope`: {e}")))?;
        Ok(Some(names))
    }
}

/// Registers the registry's types without a root (tests, tools).
pub fn register_types<A: App>(meta: &mut Meta) {
    meta::register(registry::<A>(), meta);
}
