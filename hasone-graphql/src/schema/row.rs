//! The objects of a registry at run time: a [`Row`] is a row of any
//! registered entity, resolved as that entity's GraphQL type; a page, its
//! edges and the payloads of `set`/`create` are built from rows.

use std::borrow::Cow;
use std::sync::Arc;

use async_graphql::connection::PageInfo;
use async_graphql::indexmap::IndexMap;
use async_graphql::parser::types::{Field, Selection};
use async_graphql::registry::Registry as Meta;
use async_graphql::resolver_utils::{ContainerType, resolve_container, resolve_list};
use async_graphql::{
    Context, ContextSelectionSet, Name, OutputType, Positioned, ServerResult, Value,
};
use hasone::ScopeRef;
use hasone::tenancy::SchemaName;

use super::{fail, schema_arg};
use crate::assoc::scope_ref;
use crate::context::loaders;
use crate::error::ApiError;
use crate::ids::{cursor, global_id};
use crate::keyless::offset_cursor;
use crate::model::RowModel;
use crate::prefetch::Prefetched;
use crate::registry::{FieldSpec, ObjectId, ObjectSpec, Registry};
use crate::statements::detached;

/// One row of a registered entity, read in `schema` (`None`: the default
/// one), with what it is: its object spec in the application's registry,
/// and what the prefetch found for the fields selected on it.
#[derive(Clone)]
pub struct Row {
    pub(crate) registry: &'static Registry,
    pub(crate) object: ObjectId,
    pub(crate) model: RowModel,
    pub(crate) schema: Option<SchemaName>,
    pub(crate) prefetched: Option<Arc<Prefetched>>,
}

impl Row {
    pub(crate) fn new(
        registry: &'static Registry,
        object: ObjectId,
        model: RowModel,
        schema: Option<SchemaName>,
    ) -> Self {
        Row {
            registry,
            object,
            model,
            schema,
            prefetched: None,
        }
    }

    pub(crate) fn spec(&self) -> &'static ObjectSpec {
        &self.registry[self.object]
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

    /// The row's cursor in a connection.
    fn cursor(&self) -> String {
        cursor(&self.spec().ops.render_pk(&self.model))
    }

    /// A field that reads the row alone.
    fn column_field(&self, field: FieldSpec) -> Value {
        let spec = self.spec();
        match field {
            FieldSpec::Id => Value::String(self.id()),
            FieldSpec::RowId => spec.ops.pk_graphql(&self.model),
            FieldSpec::Column(c) => spec[c].kind.to_graphql(&spec.ops.get(&self.model, c)),
            FieldSpec::ForeignId { column, source } => {
                let key = spec.ops.get(&self.model, column);
                let source = &self.registry[source];
                match source.ops.render_key(&key) {
                    Some(id) => Value::String(global_id(&source.name, &id, None)),
                    None => Value::Null,
                }
            }
            FieldSpec::HasOne(_) | FieldSpec::Inverse(_) => Value::Null,
        }
    }

    /// The row of another entity this one's association field answers.
    fn related(&self, object: ObjectId, model: RowModel, schema: Option<SchemaName>) -> Row {
        Row {
            registry: self.registry,
            object,
            model,
            schema,
            prefetched: self.prefetched.clone(),
        }
    }

    /// What the prefetch found for the association field `field` (of
    /// entity `object`): `None` when it did not load it.
    fn prefetched(&self, field: &Field, object: ObjectId) -> Option<Option<Row>> {
        let (found, schema) = self.prefetched.as_ref()?.get(field, &self.model)?;
        Some(found.map(|model| self.related(object, model.clone(), schema.cloned())))
    }

    /// The object of an association field's spec.
    fn related_object(&self, field: FieldSpec) -> ObjectId {
        match field {
            FieldSpec::HasOne(a) => self.registry[a].target,
            FieldSpec::Inverse(a) => self.registry[a].source,
            _ => self.object,
        }
    }

    /// The row's selection resolved at once, when every field it selects
    /// reads the row or was prefetched (down to the last level): no future
    /// per field, no loader. `false` leaves `out` partly filled, and the row
    /// is resolved field by field instead ([`Deferred`]).
    pub(crate) fn ready(&self, ctx: &ContextSelectionSet<'_>, out: &mut FieldValues) -> bool {
        ready_selection(ctx, &self.spec().name, out, &mut |ctx, field| {
            self.ready_field(ctx, field)
        })
    }

    fn ready_field(
        &self,
        ctx: &ContextSelectionSet<'_>,
        field: &Positioned<Field>,
    ) -> Option<Value> {
        let spec = self.spec();
        let found = match *spec.fields.get(field.node.name.node.as_str())? {
            f @ (FieldSpec::HasOne(_) | FieldSpec::Inverse(_)) => {
                self.prefetched(&field.node, self.related_object(f))?
            }
            f => return Some(self.column_field(f)),
        };
        match found {
            Some(row) => ready_child(ctx, field, |ctx, out| row.ready(ctx, out)),
            None => Some(Value::Null),
        }
    }

    async fn field(&self, ctx: &Context<'_>) -> Result<Option<Value>, ApiError> {
        let spec = self.spec();
        let Some(field) = spec.fields.get(ctx.item.node.name.node.as_str()) else {
            return Ok(None);
        };
        let found = match *field {
            f @ (FieldSpec::HasOne(_) | FieldSpec::Inverse(_)) => {
                match self.prefetched(&ctx.item.node, self.related_object(f)) {
                    Some(found) => found,
                    None => self.load(ctx, f).await?,
                }
            }
            f => return Ok(Some(self.column_field(f))),
        };
        resolve_child(ctx, &found.as_ref().map(Deferred))
            .await
            .map(Some)
    }

    /// An association field's row through its loader.
    async fn load(&self, ctx: &Context<'_>, field: FieldSpec) -> Result<Option<Row>, ApiError> {
        let (a, object) = match field {
            FieldSpec::HasOne(a) | FieldSpec::Inverse(a) => (a, self.related_object(field)),
            _ => return Ok(None),
        };
        let assoc = &self.registry[a];
        let models = std::slice::from_ref(&self.model);
        let (mut found, schema) = if let FieldSpec::HasOne(_) = field {
            let args = super::Args::of(ctx)?;
            let scopes = args.scopes(assoc)?;
            let schema = schema_arg(ctx, args.string("schema"))?;
            let scope_refs: Option<Vec<ScopeRef<'_>>> = scopes
                .as_ref()
                .map(|s| s.iter().map(|n| scope_ref(n)).collect());
            let found = Box::pin(assoc.ops.targets(
                loaders(ctx)?,
                models,
                scope_refs.as_deref(),
                schema.as_ref(),
            ))
            .await?;
            (found, schema)
        } else {
            let found = Box::pin(assoc.ops.sources(loaders(ctx)?, models)).await?;
            (found, None)
        };
        Ok(found
            .pop()
            .flatten()
            .map(|model| self.related(object, model, schema)))
    }
}

/// A resolved object's field values by response key (what
/// `Value::Object` holds).
pub(crate) type FieldValues = IndexMap<Name, Value>;

/// Adds a field's value under its response key, merging it into an object
/// already there (`profile { id } profile { bio }`), as async-graphql does.
fn insert_value(target: &mut FieldValues, name: Name, value: Value) {
    match (target.get_mut(&name), value) {
        (None, value) => {
            target.insert(name, value);
        }
        (Some(Value::Object(into)), Value::Object(from)) => {
            for (key, value) in from {
                insert_value(into, key, value);
            }
        }
        (Some(Value::List(into)), Value::List(from)) => {
            for (into, from) in into.iter_mut().zip(from) {
                if let (Value::Object(into), Value::Object(from)) = (into, from) {
                    for (key, value) in from {
                        insert_value(into, key, value);
                    }
                }
            }
        }
        _ => {}
    }
}

/// A selection on an object of type `type_name` resolved at once: `field`
/// answers each field (`None`: it cannot without waiting), `__typename` and
/// fragments are answered here. `false` when a field could not be.
fn ready_selection(
    ctx: &ContextSelectionSet<'_>,
    type_name: &str,
    out: &mut FieldValues,
    field: &mut dyn for<'b> FnMut(&ContextSelectionSet<'b>, &'b Positioned<Field>) -> Option<Value>,
) -> bool {
    for selection in &ctx.item.node.items {
        let (condition, set) = match &selection.node {
            Selection::Field(f) => {
                // Custom directives run in async-graphql's own resolution
                // (`@skip`/`@include` are gone before execution).
                if !f.node.directives.is_empty() {
                    return false;
                }
                let value = if f.node.name.node == "__typename" {
                    Value::String(type_name.to_owned())
                } else {
                    match field(ctx, f) {
                        Some(value) => value,
                        None => return false,
                    }
                };
                insert_value(out, f.node.response_key().node.clone(), value);
                continue;
            }
            Selection::FragmentSpread(spread) => {
                match ctx.query_env.fragments.get(&spread.node.fragment_name.node) {
                    Some(f) => (
                        Some(&f.node.type_condition.node.on.node),
                        &f.node.selection_set,
                    ),
                    None => return false,
                }
            }
            Selection::InlineFragment(f) => (
                f.node.type_condition.as_ref().map(|c| &c.node.on.node),
                &f.node.selection_set,
            ),
        };
        if applies(ctx, type_name, condition)
            && !ready_selection(&ctx.with_selection_set(set), type_name, out, field)
        {
            return false;
        }
    }
    true
}

/// A field's sub-selection resolved at once by `ready`.
fn ready_child(
    ctx: &ContextSelectionSet<'_>,
    field: &Positioned<Field>,
    ready: impl FnOnce(&ContextSelectionSet<'_>, &mut FieldValues) -> bool,
) -> Option<Value> {
    let ctx_field = ctx.with_field(field);
    let mut object = FieldValues::with_capacity(field.node.selection_set.node.items.len());
    ready(
        &ctx_field.with_selection_set(&field.node.selection_set),
        &mut object,
    )
    .then_some(Value::Object(object))
}

/// Whether a fragment with type condition `condition` applies to objects of
/// type `name`: no condition, the type itself or an interface it implements.
fn applies(ctx: &ContextSelectionSet<'_>, name: &str, condition: Option<&Name>) -> bool {
    condition.is_none_or(|condition| {
        condition.as_str() == name
            || ctx
                .schema_env
                .registry
                .implements
                .get(name)
                .is_some_and(|interfaces| interfaces.contains(condition.as_str()))
    })
}

/// A row resolved field by field, as are the rows under it: what a row
/// whose selection is not [`Row::ready`] answers (a row retried at every
/// level below would redo the work of the levels under it).
struct Deferred<'a>(&'a Row);

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
        let mut object = FieldValues::with_capacity(ctx.item.node.items.len());
        if self.ready(ctx, &mut object) {
            return Ok(Value::Object(object));
        }
        resolve_container(ctx, &Deferred(self)).await
    }
}

impl OutputType for Deferred<'_> {
    fn type_name() -> Cow<'static, str> {
        Cow::Borrowed(ROW)
    }

    fn introspection_type_name(&self) -> Cow<'static, str> {
        self.0.introspection_type_name()
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

impl ContainerType for Deferred<'_> {
    async fn resolve_field(&self, ctx: &Context<'_>) -> ServerResult<Option<Value>> {
        self.0.field(ctx).await.map_err(|e| fail(ctx, e))
    }
}

/// A page of a connection: its rows and whether there are more.
pub(crate) struct Page {
    pub registry: &'static Registry,
    pub object: ObjectId,
    pub rows: Vec<Row>,
    pub has_previous: bool,
    pub has_next: bool,
    /// The offset of the first row, on a page of an entity served without
    /// ids (its cursors are offsets); `None`: cursors are row ids.
    pub offset: Option<u64>,
}

/// An edge: a row and its cursor.
struct Edge<'a> {
    row: &'a Row,
    cursor: String,
}

impl Page {
    /// The cursor of the page's `i`th row.
    fn cursor(&self, i: usize) -> Option<String> {
        let row = self.rows.get(i)?;
        Some(match self.offset {
            Some(start) => offset_cursor(start.saturating_add(i as u64)),
            None => row.cursor(),
        })
    }

    /// The cursor of the page's last row.
    fn end_cursor(&self) -> Option<String> {
        self.cursor(self.rows.len().checked_sub(1)?)
    }

    /// The page resolved at once when its rows are [`Row::ready`] (and
    /// `totalCount`, which counts in the database, is not selected).
    fn ready(&self, ctx: &ContextSelectionSet<'_>, out: &mut FieldValues) -> bool {
        let name = self.introspection_type_name();
        ready_selection(
            ctx,
            &name,
            out,
            &mut |ctx, field| match field.node.name.node.as_str() {
                "edges" => {
                    let edge = format!("{}Edge", self.registry[self.object].name);
                    self.ready_list(ctx, field, |ctx, i, row, out| {
                        let cursor = self.cursor(i).unwrap_or_default();
                        Edge { row, cursor }.ready(ctx, &edge, out)
                    })
                }
                "nodes" => self.ready_list(ctx, field, |ctx, _, row, out| row.ready(ctx, out)),
                "pageInfo" => ready_child(ctx, field, |ctx, out| {
                    ready_selection(ctx, "PageInfo", out, &mut |_, field| {
                        let end = match field.node.name.node.as_str() {
                            "hasPreviousPage" => return Some(Value::Boolean(self.has_previous)),
                            "hasNextPage" => return Some(Value::Boolean(self.has_next)),
                            "startCursor" => self.cursor(0),
                            "endCursor" => self.end_cursor(),
                            _ => return None,
                        };
                        Some(end.map_or(Value::Null, Value::String))
                    })
                }),
                _ => None,
            },
        )
    }

    /// A list of the page's rows resolved at once, each by `ready`.
    fn ready_list(
        &self,
        ctx: &ContextSelectionSet<'_>,
        field: &Positioned<Field>,
        ready: impl Fn(&ContextSelectionSet<'_>, usize, &Row, &mut FieldValues) -> bool,
    ) -> Option<Value> {
        let ctx_field = ctx.with_field(field);
        let ctx_item = ctx_field.with_selection_set(&field.node.selection_set);
        let mut items = Vec::with_capacity(self.rows.len());
        for (i, row) in self.rows.iter().enumerate() {
            let mut object = FieldValues::with_capacity(field.node.selection_set.node.items.len());
            if !ready(&ctx_item, i, row, &mut object) {
                return None;
            }
            items.push(Value::Object(object));
        }
        Some(Value::List(items))
    }

    async fn field(&self, ctx: &Context<'_>) -> Result<Option<Value>, ApiError> {
        let ctx_obj = ctx.with_selection_set(&ctx.item.node.selection_set);
        let resolved = match ctx.item.node.name.node.as_str() {
            "pageInfo" => {
                let info = PageInfo {
                    has_previous_page: self.has_previous,
                    has_next_page: self.has_next,
                    start_cursor: self.cursor(0),
                    end_cursor: self.end_cursor(),
                };
                OutputType::resolve(&info, &ctx_obj, ctx.item).await
            }
            "edges" => {
                let edges: Vec<Edge<'_>> = self
                    .rows
                    .iter()
                    .enumerate()
                    .map(|(i, row)| Edge {
                        row,
                        cursor: self.cursor(i).unwrap_or_default(),
                    })
                    .collect();
                resolve_list(&ctx_obj, ctx.item, edges.iter(), Some(edges.len())).await
            }
            "nodes" => {
                resolve_list(&ctx_obj, ctx.item, self.rows.iter(), Some(self.rows.len())).await
            }
            "totalCount" => {
                // On a task of its own: see `detached`.
                let ops = &self.registry[self.object].ops;
                let db = loaders(ctx)?.db().clone();
                let count = detached(async move { ops.count(&db).await })
                    .await
                    .map_err(|e| ApiError::internal(&e))??;
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
        Cow::Owned(format!("{}Connection", self.registry[self.object].name))
    }

    fn create_type_info(_: &mut Meta) -> String {
        ROW.to_owned()
    }

    async fn resolve(
        &self,
        ctx: &ContextSelectionSet<'_>,
        _field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        let mut object = FieldValues::with_capacity(ctx.item.node.items.len());
        if self.ready(ctx, &mut object) {
            return Ok(Value::Object(object));
        }
        resolve_container(ctx, self).await
    }
}

impl ContainerType for Page {
    async fn resolve_field(&self, ctx: &Context<'_>) -> ServerResult<Option<Value>> {
        self.field(ctx).await.map_err(|e| fail(ctx, e))
    }
}

impl Edge<'_> {
    /// The edge resolved at once; `name` is its type's name (the same for
    /// every edge of a page, so the page makes it once).
    fn ready(&self, ctx: &ContextSelectionSet<'_>, name: &str, out: &mut FieldValues) -> bool {
        ready_selection(
            ctx,
            name,
            out,
            &mut |ctx, field| match field.node.name.node.as_str() {
                "node" => ready_child(ctx, field, |ctx, out| self.row.ready(ctx, out)),
                "cursor" => Some(Value::String(self.cursor.clone())),
                _ => None,
            },
        )
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
            "cursor" => Ok(Some(Value::String(self.cursor.clone()))),
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
