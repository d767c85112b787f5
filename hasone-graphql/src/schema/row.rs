//! The objects of a registry at run time: a [`Row`] is a row of any
//! registered entity, resolved as that entity's GraphQL type; a page, its
//! edges and the payloads of `set`/`create` are built from rows.

use std::borrow::Cow;

use async_graphql::connection::PageInfo;
use async_graphql::parser::types::Field;
use async_graphql::registry::Registry as Meta;
use async_graphql::resolver_utils::{ContainerType, resolve_container, resolve_list};
use async_graphql::{Context, ContextSelectionSet, OutputType, Positioned, ServerResult, Value};
use hasone::ScopeRef;
use hasone::tenancy::SchemaName;

use super::{Shared, fail, loaders, schema_arg};
use crate::error::ApiError;
use crate::ids::{cursor, global_id};
use crate::ops::RowModel;
use crate::registry::{FieldSpec, ObjectSpec, Registry};

/// One row of a registered entity, read in `schema` (`None`: the default
/// one), with what it is: its object spec in the application's registry.
#[derive(Clone)]
pub struct Row {
    pub(crate) registry: &'static Registry,
    pub(crate) object: usize,
    pub(crate) model: RowModel,
    pub(crate) schema: Option<SchemaName>,
}

impl Row {
    pub(crate) fn spec(&self) -> &'static ObjectSpec {
        &self.registry.objects[self.object]
    }

    /// The row's global id.
    pub fn id(&self) -> String {
        let spec = self.spec();
        global_id(
            &spec.name,
            &spec.ops.render_pk(&self.model),
            self.schema.as_ref(),
        )
    }

    async fn field(&self, ctx: &Context<'_>) -> Result<Option<Value>, ApiError> {
        let spec = self.spec();
        let Some(field) = spec.fields.get(ctx.item.node.name.node.as_str()) else {
            return Ok(None);
        };
        Ok(Some(match *field {
            FieldSpec::Id => Value::String(self.id()),
            FieldSpec::RowId => spec.ops.pk_graphql(&self.model),
            FieldSpec::Column(c) => spec.columns[c]
                .kind
                .to_graphql(&spec.ops.get(&self.model, c)),
            FieldSpec::ForeignId { column, source } => {
                let key = spec.ops.get(&self.model, column);
                let source = &self.registry.objects[source];
                match source.ops.render_key(&key) {
                    Some(id) => Value::String(global_id(&source.name, &id, None)),
                    None => Value::Null,
                }
            }
            FieldSpec::HasOne(a) => {
                let assoc = &self.registry.associations[a];
                let args = super::Args::of(ctx)?;
                let scopes = args.scopes(assoc)?;
                let schema = schema_arg(ctx, args.string("schema"))?;
                let scope_refs: Option<Vec<ScopeRef<'_>>> = scopes
                    .as_ref()
                    .map(|s| s.iter().map(|n| super::scope_ref(n)).collect());
                let mut found = Box::pin(assoc.ops.targets(
                    loaders(ctx)?,
                    std::slice::from_ref(&self.model),
                    scope_refs.as_deref(),
                    schema.as_ref(),
                ))
                .await?;
                let row = found.pop().flatten().map(|model| Row {
                    registry: self.registry,
                    object: assoc.target,
                    model,
                    schema,
                });
                return resolve_child(ctx, &row).await.map(Some);
            }
            FieldSpec::Inverse(a) => {
                let assoc = &self.registry.associations[a];
                let mut found = Box::pin(
                    assoc
                        .ops
                        .sources(loaders(ctx)?, std::slice::from_ref(&self.model)),
                )
                .await?;
                let row = found.pop().flatten().map(|model| Row {
                    registry: self.registry,
                    object: assoc.source,
                    model,
                    schema: None,
                });
                return resolve_child(ctx, &row).await.map(Some);
            }
        }))
    }
}

/// A child object (or `null`) as its field answers it.
pub(crate) async fn resolve_child<T: OutputType>(
    ctx: &Context<'_>,
    value: &T,
) -> Result<Value, ApiError> {
    let ctx_obj = ctx.with_selection_set(&ctx.item.node.selection_set);
    OutputType::resolve(value, &ctx_obj, ctx.item)
        .await
        .map_err(ApiError::Resolved)
}

/// The Rust type name registered for rows: never a GraphQL type (each row
/// answers as its own entity's type, [`OutputType::introspection_type_name`]).
const ROW: &str = "__HasOneRow";

impl OutputType for Row {
    fn type_name() -> Cow<'static, str> {
        Cow::Borrowed(ROW)
    }

    fn introspection_type_name(&self) -> Cow<'static, str> {
        Cow::Borrowed(self.spec().name.as_str())
    }

    fn create_type_info(_: &mut Meta) -> String {
        ROW.to_owned()
    }

    async fn resolve(
        &self,
        ctx: &ContextSelectionSet<'_>,
        _field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        resolve_container(ctx, self).await
    }
}

impl ContainerType for Row {
    async fn resolve_field(&self, ctx: &Context<'_>) -> ServerResult<Option<Value>> {
        self.field(ctx).await.map_err(|e| fail(ctx, e))
    }
}

/// A page of a connection: its rows and whether there are more.
pub(crate) struct Page {
    pub registry: &'static Registry,
    pub object: usize,
    pub rows: Vec<Row>,
    pub has_previous: bool,
    pub has_next: bool,
}

/// An edge: a row and its cursor.
struct Edge<'a> {
    row: &'a Row,
}

impl Page {
    async fn field(&self, ctx: &Context<'_>) -> Result<Option<Value>, ApiError> {
        let ctx_obj = ctx.with_selection_set(&ctx.item.node.selection_set);
        let resolved = match ctx.item.node.name.node.as_str() {
            "pageInfo" => {
                let spec = &self.registry.objects[self.object];
                let cursor_of = |row: &Row| cursor(&spec.ops.render_pk(&row.model));
                let info = PageInfo {
                    has_previous_page: self.has_previous,
                    has_next_page: self.has_next,
                    start_cursor: self.rows.first().map(cursor_of),
                    end_cursor: self.rows.last().map(cursor_of),
                };
                OutputType::resolve(&info, &ctx_obj, ctx.item).await
            }
            "edges" => {
                let edges: Vec<Edge<'_>> = self.rows.iter().map(|row| Edge { row }).collect();
                resolve_list(&ctx_obj, ctx.item, edges.iter(), Some(edges.len())).await
            }
            "nodes" => {
                resolve_list(&ctx_obj, ctx.item, self.rows.iter(), Some(self.rows.len())).await
            }
            "totalCount" => {
                let spec = &self.registry.objects[self.object];
                let db = &ctx
                    .data::<Shared>()
                    .map_err(|e| ApiError::internal(&e.message))?
                    .db;
                let count = spec.ops.count(db).await?;
                return Ok(Some(Value::from(count)));
            }
            _ => return Ok(None),
        };
        resolved.map(Some).map_err(ApiError::Resolved)
    }
}

impl OutputType for Page {
    fn type_name() -> Cow<'static, str> {
        Cow::Borrowed(ROW)
    }

    fn introspection_type_name(&self) -> Cow<'static, str> {
        Cow::Owned(format!(
            "{}Connection",
            self.registry.objects[self.object].name
        ))
    }

    fn create_type_info(_: &mut Meta) -> String {
        ROW.to_owned()
    }

    async fn resolve(
        &self,
        ctx: &ContextSelectionSet<'_>,
        _field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        resolve_container(ctx, self).await
    }
}

impl ContainerType for Page {
    async fn resolve_field(&self, ctx: &Context<'_>) -> ServerResult<Option<Value>> {
        self.field(ctx).await.map_err(|e| fail(ctx, e))
    }
}

impl OutputType for Edge<'_> {
    fn type_name() -> Cow<'static, str> {
        Cow::Borrowed(ROW)
    }

    fn introspection_type_name(&self) -> Cow<'static, str> {
        Cow::Owned(format!("{}Edge", self.row.spec().name))
    }

    fn create_type_info(_: &mut Meta) -> String {
        ROW.to_owned()
    }

    async fn resolve(
        &self,
        ctx: &ContextSelectionSet<'_>,
        _field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        resolve_container(ctx, self).await
    }
}

impl ContainerType for Edge<'_> {
    async fn resolve_field(&self, ctx: &Context<'_>) -> ServerResult<Option<Value>> {
        match ctx.item.node.name.node.as_str() {
            "node" => resolve_child(ctx, self.row)
                .await
                .map(Some)
                .map_err(|e| fail(ctx, e)),
            "cursor" => {
                let spec = self.row.spec();
                Ok(Some(Value::String(cursor(
                    &spec.ops.render_pk(&self.row.model),
                ))))
            }
            _ => Ok(None),
        }
    }
}

/// What `set*` and `create*` answer: the source, the target now linked and
/// the previous one.
pub(crate) struct Payload {
    pub name: String,
    pub source_field: String,
    pub target_field: String,
    pub source: Row,
    pub target: Option<Row>,
    pub previous: Option<Row>,
}

impl OutputType for Payload {
    fn type_name() -> Cow<'static, str> {
        Cow::Borrowed(ROW)
    }

    fn introspection_type_name(&self) -> Cow<'static, str> {
        Cow::Owned(self.name.clone())
    }

    fn create_type_info(_: &mut Meta) -> String {
        ROW.to_owned()
    }

    async fn resolve(
        &self,
        ctx: &ContextSelectionSet<'_>,
        _field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        resolve_container(ctx, self).await
    }
}

impl ContainerType for Payload {
    async fn resolve_field(&self, ctx: &Context<'_>) -> ServerResult<Option<Value>> {
        let name = ctx.item.node.name.node.as_str();
        let resolved = if name == self.source_field {
            resolve_child(ctx, &self.source).await
        } else if name == self.target_field {
            resolve_child(ctx, &self.target).await
        } else if name == "previous" {
            resolve_child(ctx, &self.previous).await
        } else {
            return Ok(None);
        };
        resolved.map(Some).map_err(|e| fail(ctx, e))
    }
}
