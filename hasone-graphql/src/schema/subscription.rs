//! The subscriptions: `<source><Assoc>Changed(<source>Id:)` of every
//! association (`userProfileChanged(userId:)`), one event per committed
//! change of that source's link, as [`crate::Changes`] delivers them.

use std::borrow::Cow;
use std::marker::PhantomData;
use std::pin::Pin;

use async_graphql::futures_util::Stream;
use async_graphql::futures_util::StreamExt as _;
use async_graphql::futures_util::stream;
use async_graphql::registry::{MetaField, Registry as Meta};
use async_graphql::{
    Context, ErrorExtensions, OutputType, QueryPathNode, QueryPathSegment, Response, ServerError,
    SubscriptionType, Value,
};
use hasone::tenancy::SchemaName;
use tokio::sync::broadcast::Receiver;
use tokio::sync::broadcast::error::RecvError;

use super::meta::{self, arg, field, object_type_of};
use super::row::{Payload, Row};
use super::{Args, fail, schema_arg};
use crate::app::App;
use crate::changes::{Change, Received};
use crate::context::{loaders, shared};
use crate::error::ApiError;
use crate::model::RowModel;
use crate::registry::{AssocSpec, ObjectId, Registry};
use crate::snapshot::Snapshot;

/// The subscriptions of an application's registry: a `…Changed` field per
/// association. Use it as the schema's subscription root, or merge it
/// with `#[derive(MergedSubscription)]`. Its events come from the
/// [`crate::Changes`] of the [`crate::Api`] that runs it.
pub struct Subscriptions<A>(PhantomData<fn() -> A>);

impl<A> Default for Subscriptions<A> {
    fn default() -> Self {
        Subscriptions(PhantomData)
    }
}

/// The code of an event telling a subscriber it may have missed changes.
pub const CHANGES_MISSED: &str = "CHANGES_MISSED";

impl<A: App> SubscriptionType for Subscriptions<A> {
    fn type_name() -> Cow<'static, str> {
        Cow::Borrowed(A::ROOT_NAMES.subscription)
    }

    fn create_type_info(meta: &mut Meta) -> String {
        let registry = crate::app::registry::<A>();
        meta::register(registry, meta);
        let mut fields = Vec::new();
        for assoc in &registry.associations {
            let name = assoc.change_type(registry);
            meta.types
                .insert(name.clone(), change_type(registry, assoc, &name));
            fields.push(subscription_field(registry, assoc, &name));
        }
        let name = A::ROOT_NAMES.subscription;
        meta.types.insert(
            name.to_owned(),
            object_type_of(
                name,
                "Changes: the committed changes of each association's link.",
                fields,
            ),
        );
        name.to_owned()
    }

    fn create_field_stream<'a>(
        &'a self,
        ctx: &'a Context<'_>,
    ) -> Option<Pin<Box<dyn Stream<Item = Response> + Send + 'a>>> {
        let registry = crate::app::registry::<A>();
        let name = ctx.item.node.name.node.as_str();
        let assoc = registry
            .associations
            .iter()
            .find(|a| a.subscription(registry) == name)?;
        Some(Box::pin(changes(registry, assoc, ctx)))
    }
}

fn subscription_field(registry: &Registry, assoc: &AssocSpec, ty: &str) -> MetaField {
    let source = &registry[assoc.source].name;
    let (field_name, target) = (&assoc.field, &registry[assoc.target].name);
    let assoc_name = crate::names::pascal(field_name);
    let mut f = field(
        &assoc.subscription(registry),
        &format!("{ty}!"),
        &format!(
            "Every committed change of the `{field_name}` linked to this `{source}`: `set{source}{assoc_name}` and `create{source}{assoc_name}` (unlinking included), and the delete of the linked `{target}` or of the `{source}`. At most once: after a `{CHANGES_MISSED}` error event (a disconnect, or falling behind), read the field again to catch up.",
        ),
    );
    f.args.extend([
        super::mutation::source_id_arg(registry, assoc),
        arg(
            "current",
            "Boolean",
            "First deliver the link as it is now (`previous` null), read once the subscription listens: no change committed after that read is missed (one committed just before may come again). How a view starts, or catches up after a disconnect.",
        ),
    ]);
    if registry.tenancy {
        f.args.extend([arg(
            "schema",
            "String",
            "Changes of the target table in this allowlisted schema.",
        )]);
    }
    f
}

fn change_type(
    registry: &Registry,
    assoc: &AssocSpec,
    name: &str,
) -> async_graphql::registry::MetaType {
    let source = &registry[assoc.source];
    let target = &registry[assoc.target];
    object_type_of(
        name,
        &format!(
            "A committed change of `{}.{}`, as it was when it committed.",
            source.name, assoc.field
        ),
        vec![
            field(
                &assoc.source_field(registry),
                &format!("{}!", source.name),
                "The source row (as it read before, when the change deleted it).",
            ),
            field(
                &assoc.field,
                &target.name,
                "The target now linked; null after an unlink or a delete.",
            ),
            field(
                "previous",
                &target.name,
                "The target linked before, as it read after the change (unlinked), or as it read before it was deleted; null when there was none.",
            ),
        ],
    )
}

/// What a subscriber waits for.
struct Subscribed {
    receiver: Receiver<Received>,
    /// The link as it was when listening began, if asked for (`current`).
    first: Option<Change>,
    key: String,
    source_id: String,
    schema: Option<SchemaName>,
}

/// The events of one subscription field: an error and the end when its
/// arguments are wrong, else one response per change of its source.
fn changes<'a>(
    registry: &'static Registry,
    assoc: &'static AssocSpec,
    ctx: &'a Context<'_>,
) -> impl Stream<Item = Response> + Send + 'a {
    stream::once(subscribe(registry, assoc, ctx)).flat_map(move |subscribed| match subscribed {
        Err(err) => {
            let response = Response::from_errors(vec![fail(ctx, err)]);
            stream::once(async move { response }).left_stream()
        }
        Ok(subscribed) => stream::unfold(subscribed, move |mut state| async move {
            let response = next(registry, assoc, ctx, &mut state).await?;
            Some((response, state))
        })
        .right_stream(),
    })
}

/// Checks the arguments and the source, then listens.
async fn subscribe(
    registry: &'static Registry,
    assoc: &'static AssocSpec,
    ctx: &Context<'_>,
) -> Result<Subscribed, ApiError> {
    let args = Args::of(ctx)?;
    let schema = schema_arg(ctx, args.string("schema"))?;
    let source = &registry[assoc.source];
    let arg = assoc.source_arg(registry);
    let id = args
        .id(&arg)
        .ok_or_else(|| ApiError::bad_input(format!("argument `{arg}` is required")))?;
    let value = source
        .ops
        .parse_id(&id, source.name.as_str(), None)
        .map_err(|e| ApiError::bad_input(format!("argument `{arg}`: {e}")))?;
    // Listening before the source is read: no change is lost in between.
    let receiver = shared(ctx)?
        .changes
        .subscribe()
        .ok_or_else(|| ApiError::internal(&"the schema's `Changes` is off"))?;
    let found = source
        .ops
        .by_ids(loaders(ctx)?, vec![value], None)
        .await
        .map_err(|e| ApiError::from_db(&e))?;
    let Some(Some(row)) = found.into_iter().next() else {
        return Err(ApiError::not_found(&source.name, &id));
    };
    let first = if matches!(args.get("current"), Some(Value::Boolean(true))) {
        // Whatever its model scopes, as changes show it.
        let linked = assoc
            .ops
            .targets(
                loaders(ctx)?,
                std::slice::from_ref(&row),
                Some(&[]),
                schema.as_ref(),
            )
            .await?;
        let target = linked.into_iter().next().flatten();
        Some(Change::of(
            registry,
            assoc,
            schema.as_ref(),
            &row,
            target.as_ref(),
            None,
        ))
    } else {
        None
    };
    Ok(Subscribed {
        receiver,
        first,
        key: assoc.change_key(registry),
        source_id: source.ops.render_pk(&row),
        schema,
    })
}

/// The next event of the subscription; `None` when the process stops.
async fn next(
    registry: &'static Registry,
    assoc: &'static AssocSpec,
    ctx: &Context<'_>,
    state: &mut Subscribed,
) -> Option<Response> {
    if let Some(first) = state.first.take() {
        return Some(event(registry, assoc, ctx, &first, state.schema.clone()).await);
    }
    loop {
        match state.receiver.recv().await {
            Ok(Received::Change(change))
                if change.assoc == state.key
                    && change.source.id == state.source_id
                    && change.schema.as_deref()
                        == state.schema.as_ref().map(SchemaName::as_str) =>
            {
                return Some(event(registry, assoc, ctx, &change, state.schema.clone()).await);
            }
            Ok(Received::Change(_)) => continue,
            Ok(Received::Missed) => return Some(missed(ctx, None)),
            Err(RecvError::Lagged(n)) => return Some(missed(ctx, Some(n))),
            Err(RecvError::Closed) => return None,
        }
    }
}

fn missed(ctx: &Context<'_>, count: Option<u64>) -> Response {
    let message = match count {
        Some(n) => format!(
            "this subscription fell {n} changes behind and missed some; read the field again to catch up"
        ),
        None => "changes may have been missed (the server's connection to the database was lost and made again); read the field again to catch up".to_owned(),
    };
    let err = async_graphql::Error::new(message).extend_with(|_, e| e.set("code", CHANGES_MISSED));
    Response::from_errors(vec![
        ctx.set_error_path(err.into_server_error(ctx.item.pos)),
    ])
}

/// One change as the subscription's selection asks for it; nested fields
/// read the database as it is now (through fresh loaders).
async fn event(
    registry: &'static Registry,
    assoc: &'static AssocSpec,
    ctx: &Context<'_>,
    change: &Change,
    schema: Option<SchemaName>,
) -> Response {
    match payload(registry, assoc, ctx, change, schema).await {
        Ok(payload) => resolve(ctx, &payload).await,
        Err(err) => Response::from_errors(vec![fail(ctx, err)]),
    }
}

async fn payload(
    registry: &'static Registry,
    assoc: &'static AssocSpec,
    ctx: &Context<'_>,
    change: &Change,
    schema: Option<SchemaName>,
) -> Result<Payload, ApiError> {
    let loaders = loaders(ctx)?;
    loaders.clear();
    let source = row(registry, loaders, assoc.source, &change.source, None)
        .await?
        .ok_or_else(|| ApiError::not_found(&registry[assoc.source].name, &change.source.id))?;
    let mut target = None;
    if let Some(snapshot) = &change.target {
        target = row(registry, loaders, assoc.target, snapshot, schema.clone()).await?;
    }
    let mut previous = None;
    if let Some(snapshot) = &change.previous {
        previous = row(registry, loaders, assoc.target, snapshot, schema.clone()).await?;
    }
    Ok(Payload {
        name: assoc.change_type(registry),
        source_field: assoc.source_field(registry),
        target_field: assoc.field.clone(),
        source,
        target,
        previous,
    })
}

/// The row a snapshot holds, or, when it was sent without its values (too
/// large for a `NOTIFY`), the row as it reads now.
async fn row(
    registry: &'static Registry,
    loaders: &crate::loaders::Loaders,
    object: ObjectId,
    snapshot: &Snapshot,
    schema: Option<SchemaName>,
) -> Result<Option<Row>, ApiError> {
    let spec = &registry[object];
    let model: Option<RowModel> = match snapshot.restore(spec) {
        Some(model) => Some(model),
        None => {
            let id = spec
                .ops
                .parse_id(&snapshot.id, spec.name.as_str(), schema.as_ref())
                .map_err(|e| ApiError::internal(&e))?;
            spec.ops
                .by_ids(loaders, vec![id], schema.as_ref())
                .await?
                .into_iter()
                .next()
                .flatten()
        }
    };
    Ok(model.map(|m| Row::new(registry, object, m, schema)))
}

/// The response of one event, as async-graphql's own subscription fields
/// make it: the field's selection resolved in a context of its own.
async fn resolve(ctx: &Context<'_>, payload: &Payload) -> Response {
    let field_name = ctx.item.node.response_key().node.clone();
    let selection = ctx.query_env.create_context(
        ctx.schema_env,
        Some(QueryPathNode {
            parent: None,
            segment: QueryPathSegment::Name(&field_name),
        }),
        &ctx.item.node.selection_set,
        ctx.execute_data,
    );
    let mut response = match OutputType::resolve(payload, &selection, ctx.item).await {
        Ok(value) => {
            let mut map = async_graphql::indexmap::IndexMap::new();
            map.insert(field_name.clone(), value);
            Response::new(Value::Object(map))
        }
        Err(err) => Response::from_errors(vec![err]),
    };
    let errors: Vec<ServerError> = match ctx.query_env.errors.lock() {
        Ok(mut errors) => std::mem::take(&mut *errors),
        Err(_) => Vec::new(),
    };
    response.errors.extend(errors);
    response
}
