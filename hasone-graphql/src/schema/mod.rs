//! The GraphQL side of a registry: the [`Query`] and [`Mutation`] roots an
//! application merges into its own (or uses as they are), the objects
//! they answer with, and the data a schema needs ([`Shared`]).

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
use hasone::tenancy::{Allowlist, SchemaName};
use sea_orm::DatabaseConnection;
use sea_orm::sea_query::SimpleExpr;

pub use row::Row;
pub use subscription::Subscription;

use crate::changes::Changes;
use crate::error::ApiError;
use crate::loaders::Loaders;
use crate::registry::{AssocSpec, Registry};
use crate::value::ColumnKind;

/// An application: the type that names its registry. Implement it once,
/// with the registry built on first use:
///
/// ```
/// use std::sync::LazyLock;
/// use hasone_graphql::{App, Registry};
///
/// pub struct Shop;
/// impl App for Shop {
///     fn registry() -> &'static Registry {
///         static REGISTRY: LazyLock<Registry> = LazyLock::new(|| {
///             Registry::new() // .entity(…).has_one(…), see docs/library.md
///         });
///         &REGISTRY
///     }
/// }
/// ```
pub trait App: Send + Sync + 'static {
    /// The application's registry, built once.
    fn registry() -> &'static Registry;

    /// The root types' names where [`Query`], [`Mutation`] and
    /// [`Subscription`] are a schema's roots themselves (roots merged with
    /// `MergedObject` or `MergedSubscription` take the merged type's name).
    const ROOT_NAMES: RootNames = RootNames::PLAIN;
}

/// The names of a schema's root types.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RootNames {
    /// The query root's.
    pub query: &'static str,
    /// The mutation root's.
    pub mutation: &'static str,
    /// The subscription root's.
    pub subscription: &'static str,
}

impl RootNames {
    /// `Query`, `Mutation` and `Subscription`.
    pub const PLAIN: RootNames = RootNames {
        query: "Query",
        mutation: "Mutation",
        subscription: "Subscription",
    };
}

/// What every request of a schema shares: the pool, the `schema`
/// allowlist, the largest page. Put it in the schema with
/// [`schema_builder`], or `Schema::build(…).data(Shared { … })`.
#[derive(Clone, Debug)]
pub struct Shared {
    /// The pool every request's loaders and mutations use.
    pub db: DatabaseConnection,
    /// The schemas a request's `schema` argument may name.
    pub allowlist: Allowlist,
    /// The largest `first` a list accepts.
    pub max_page_size: u64,
    /// Where mutations publish what they change, for subscriptions
    /// ([`Changes::start`]; [`Changes::off`] for none).
    pub changes: Changes,
}

/// A schema of the application's roots with `shared` in its data and
/// `limits` applied (depth, complexity, introspection): add data of the
/// application's own if it has some, then `finish()`.
pub fn schema_builder<Q, M, S>(
    query: Q,
    mutation: M,
    subscription: S,
    shared: Shared,
    limits: &crate::Limits,
) -> async_graphql::SchemaBuilder<Q, M, S>
where
    Q: ObjectType + 'static,
    M: ObjectType + 'static,
    S: async_graphql::SubscriptionType + 'static,
{
    limits
        .apply(async_graphql::Schema::build(query, mutation, subscription))
        .data(shared)
}

/// The query fields of an application's registry: `node(id:)`, and each
/// entity's own `single(id:)` and `list(first:, after:)` where declared.
/// Merge it into a query root with `#[derive(MergedObject)]`.
pub struct Query<A>(PhantomData<fn() -> A>);

/// The mutations of an application's registry: `set*` and `create*` of
/// every association, `create*`, `update*` and `delete*` of every entity
/// with them. Merge it into a mutation root with `#[derive(MergedObject)]`.
pub struct Mutation<A>(PhantomData<fn() -> A>);

impl<A> Default for Query<A> {
    fn default() -> Self {
        Query(PhantomData)
    }
}

impl<A> Default for Mutation<A> {
    fn default() -> Self {
        Mutation(PhantomData)
    }
}

impl<A: App> OutputType for Query<A> {
    fn type_name() -> Cow<'static, str> {
        Cow::Borrowed(A::ROOT_NAMES.query)
    }

    // Registered whatever is there: a merged root of the same name has
    // put a placeholder under it, and takes these fields from it.
    fn create_type_info(meta: &mut Meta) -> String {
        let registry = A::registry();
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

impl<A: App> ContainerType for Query<A> {
    async fn resolve_field(&self, ctx: &Context<'_>) -> ServerResult<Option<Value>> {
        query::resolve(A::registry(), ctx)
            .await
            .map_err(|e| fail(ctx, e))
    }
}

impl<A: App> ObjectType for Query<A> {}

impl<A: App> OutputType for Mutation<A> {
    fn type_name() -> Cow<'static, str> {
        Cow::Borrowed(A::ROOT_NAMES.mutation)
    }

    fn create_type_info(meta: &mut Meta) -> String {
        let registry = A::registry();
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

impl<A: App> ContainerType for Mutation<A> {
    async fn resolve_field(&self, ctx: &Context<'_>) -> ServerResult<Option<Value>> {
        mutation::resolve(A::registry(), ctx)
            .await
            .map_err(|e| fail(ctx, e))
    }
}

impl<A: App> ObjectType for Mutation<A> {}

/// An API error as the field's GraphQL error: its code, the field's
/// position and path (an error already resolved keeps its own).
pub(crate) fn fail(ctx: &Context<'_>, err: ApiError) -> ServerError {
    match err {
        ApiError::Resolved(err) => err,
        err => ctx.set_error_path(async_graphql::Error::from(err).into_server_error(ctx.item.pos)),
    }
}

pub(crate) fn loaders<'a>(ctx: &Context<'a>) -> Result<&'a Loaders, ApiError> {
    ctx.data::<Loaders>()
        .map_err(|e| ApiError::internal(&e.message))
}

pub(crate) fn shared<'a>(ctx: &Context<'a>) -> Result<&'a Shared, ApiError> {
    ctx.data::<Shared>()
        .map_err(|e| ApiError::internal(&e.message))
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

/// A scope name as the core takes it.
pub(crate) fn scope_ref(name: &str) -> ScopeRef<'_> {
    if name == "DEFAULT" {
        ScopeRef::Default
    } else {
        ScopeRef::Named(name)
    }
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

/// The GraphQL literal of a column default, when it is a plain value of
/// the column's kind.
pub(crate) fn literal(default: &SimpleExpr, kind: &ColumnKind) -> Option<String> {
    let SimpleExpr::Value(value) = default else {
        return None;
    };
    let value = kind.to_graphql(value);
    (value != Value::Null).then(|| value.to_string())
}

/// Registers the registry's types without a root (tests, tools).
pub fn register_types<A: App>(meta: &mut Meta) {
    meta::register(A::registry(), meta);
}
