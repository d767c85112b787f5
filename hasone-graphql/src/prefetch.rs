//! Prefetch: before the fields of a page (or of a single row) run, loads
//! the rows its has-one and belongsTo fields will answer, level by level,
//! from the registry alone, and hands them to the rows that own them.
//!
//! A field that loads its own row goes through the `dataloader` crate key
//! by key: it takes the loader's mutex, yields so that its siblings can add
//! their keys, and waits for its row to be handed out, one waiter at a time.
//! On a page of 100 rows that was the costliest part of a request, and under
//! load a nested level's batch could run before all its keys had arrived
//! (docs/performance.md). The prefetch walks the selection instead: for the
//! rows of one level, the keys of every selected association field (every
//! alias, with its own `scope` and `schema`) are asked for together
//! ([`Loaders::want`]), and one [`Loaders::flush`] loads them grouped as
//! the loaders would batch the fields' keys (one statement per lookup,
//! conditions and schema; keys already known, such as a page's rows by id,
//! cost nothing), without the `dataloader` crate's per-key protocol. The
//! next level starts from the rows found.
//!
//! What it found is kept in a [`Prefetched`] table by (field of the
//! document, row): a row's association field answers from it without a
//! key, a loader or an `await`, and a row whose whole selection is in the
//! table resolves at once (`Row::ready` in `schema/row.rs`).
//!
//! It follows whatever the registry declares: a new association is
//! prefetched without code here. A selection whose arguments do not parse
//! is not prefetched, and neither is a failed load: the field then loads
//! through its loader and reports the error itself. A field the registry
//! does not know still loads through its loader.

use std::sync::Arc;

use async_graphql::parser::types::{Field, Selection, SelectionSet};
use async_graphql::{Context, Name, Positioned, Value};
use hasone::ScopeRef;
use hasone::tenancy::SchemaName;

use crate::assoc::{WantedRows, scope_ref};
use crate::loaders::Loaders;
use crate::model::RowModel;
use crate::registry::{AssocId, FieldSpec, ObjectId, Registry};

/// Fragments nest at most this deep in a walk (validation refuses cycles
/// and the request bounds refuse deeper documents before this runs).
const MAX_FRAGMENT_DEPTH: usize = 64;

/// What the prefetch found: for a field of the document (by address) on a
/// row (by address), the row it answers or `None` for `null`.
#[derive(Default)]
pub(crate) struct Prefetched {
    found: foldhash::HashMap<(usize, usize), Option<RowModel>>,
    /// The `schema` each prefetched field read its rows in.
    schemas: foldhash::HashMap<usize, Option<SchemaName>>,
    /// The rows the walk started from: kept so that no address in `found`
    /// is reused by another row while the table lives (the rows of deeper
    /// levels are kept as values of `found`).
    _sources: Vec<RowModel>,
}

impl Prefetched {
    /// The row `field` answers on `row` (`Some(None)`: `null`) and the
    /// schema it was read in; `None` when the prefetch did not load it.
    pub(crate) fn get(
        &self,
        field: &Field,
        row: &RowModel,
    ) -> Option<(Option<&RowModel>, Option<&SchemaName>)> {
        let found = self.found.get(&(address(field), row_address(row)))?;
        let schema = self.schemas.get(&address(field)).and_then(Option::as_ref);
        Some((found.as_ref(), schema))
    }
}

fn address<T>(item: &T) -> usize {
    std::ptr::from_ref(item) as usize
}

fn row_address(row: &RowModel) -> usize {
    Arc::as_ptr(row).cast::<()>() as usize
}

/// Rows of one object, with the selections made on them.
struct Level<'a> {
    object: ObjectId,
    rows: Vec<RowModel>,
    sets: Vec<&'a SelectionSet>,
}

/// One field's load, asked for and not yet read.
struct Asking<'a> {
    field: &'a Positioned<Field>,
    /// The entity of the rows it loads.
    object: ObjectId,
    schema: Option<SchemaName>,
    sources: Vec<usize>,
    wanted: WantedRows,
}

/// What one field's load found on the rows of its level.
struct Answered<'a> {
    field: usize,
    schema: Option<SchemaName>,
    sources: Vec<usize>,
    found: Vec<Option<RowModel>>,
    next: Option<Level<'a>>,
}

/// Prefetches what `sets` (the selections made on `rows`, all of entity
/// `object`) load, down to their last level. Each level's loads run at once
/// and are batched together by the loaders; the levels run one after the
/// other, as the fields would. `None` when nothing was prefetched.
pub(crate) async fn prefetch<'a>(
    ctx: &Context<'a>,
    registry: &'static Registry,
    object: ObjectId,
    rows: Vec<RowModel>,
    sets: Vec<&'a SelectionSet>,
) -> Option<Arc<Prefetched>> {
    let loaders = crate::context::loaders(ctx).ok()?;
    if rows.is_empty() || sets.is_empty() {
        return None;
    }
    let mut table = Prefetched {
        _sources: rows.clone(),
        ..Prefetched::default()
    };
    let mut level = vec![Level { object, rows, sets }];
    while !level.is_empty() {
        let mut asking = Vec::new();
        for Level { object, rows, sets } in &level {
            let fields = &registry[*object].fields;
            for field in selected(ctx, sets) {
                let Some(spec @ (FieldSpec::HasOne(a) | FieldSpec::Inverse(a))) =
                    fields.get(field.node.name.node.as_str()).copied()
                else {
                    continue;
                };
                let Some(asked) = arguments(ctx, &field.node, spec) else {
                    continue;
                };
                let Some((object, wanted)) = want(registry, loaders, a, spec, rows, &asked) else {
                    continue;
                };
                asking.push(Asking {
                    field,
                    object,
                    schema: asked.schema,
                    sources: rows.iter().map(row_address).collect(),
                    wanted,
                });
            }
        }
        loaders.flush().await;
        let mut next = Vec::new();
        for loaded in asking
            .into_iter()
            .filter_map(|asked| found(registry, loaders, asked))
        {
            let Answered {
                field,
                schema,
                sources,
                found,
                next: deeper,
            } = loaded;
            table.schemas.insert(field, schema);
            table
                .found
                .extend(sources.into_iter().map(|source| (field, source)).zip(found));
            next.extend(deeper);
        }
        level = next;
    }
    (!table.found.is_empty()).then(|| Arc::new(table))
}

/// The fields selected by `sets` on one object, through its fragments.
/// Type conditions are not looked at: a field under a fragment for another
/// type is prefetched for nothing, never answered from the table (the
/// fields it would answer are never resolved on this object).
pub(crate) fn selected<'a>(
    ctx: &Context<'a>,
    sets: &[&'a SelectionSet],
) -> Vec<&'a Positioned<Field>> {
    fn walk<'a>(
        ctx: &Context<'a>,
        set: &'a SelectionSet,
        depth: usize,
        out: &mut Vec<&'a Positioned<Field>>,
    ) {
        if depth > MAX_FRAGMENT_DEPTH {
            return;
        }
        for item in &set.items {
            match &item.node {
                Selection::Field(field) => out.push(field),
                Selection::InlineFragment(fragment) => {
                    walk(ctx, &fragment.node.selection_set.node, depth + 1, out)
                }
                Selection::FragmentSpread(spread) => {
                    if let Some(fragment) =
                        ctx.query_env.fragments.get(&spread.node.fragment_name.node)
                    {
                        walk(ctx, &fragment.node.selection_set.node, depth + 1, out)
                    }
                }
            }
        }
    }
    let mut out = Vec::new();
    for set in sets {
        walk(ctx, set, 0, &mut out);
    }
    out
}

/// The selection sets of the fields named `name` among `sets`.
pub(crate) fn sets_of<'a>(
    ctx: &Context<'a>,
    sets: &[&'a SelectionSet],
    name: &str,
) -> Vec<&'a SelectionSet> {
    selected(ctx, sets)
        .into_iter()
        .filter(|f| f.node.name.node == name)
        .map(|f| &f.node.selection_set.node)
        .collect()
}

/// What a field's selection asks: its `scope` names and `schema`.
struct Asked {
    scopes: Option<Vec<String>>,
    schema: Option<SchemaName>,
}

/// The arguments of `field` with its variables resolved, as
/// `SelectionField::arguments` reads them.
fn argument_values(ctx: &Context<'_>, field: &Field) -> Option<Vec<(Name, Value)>> {
    let env = &ctx.query_env;
    let variable = |name: Name| {
        env.operation
            .node
            .variable_definitions
            .iter()
            .find(|def| def.node.name.node == name)
            .and_then(|def| {
                env.variables
                    .get(&def.node.name.node)
                    .or_else(|| def.node.default_value())
            })
            .cloned()
            .ok_or(())
    };
    field
        .arguments
        .iter()
        .map(|(name, value)| {
            let value = value.node.clone().into_const_with(variable).ok()?;
            Some((name.node.clone(), value))
        })
        .collect()
}

/// The arguments of a selection as its field reads them; `None` when they
/// do not parse (the field reports it) or are not allowed.
fn arguments(ctx: &Context<'_>, field: &Field, spec: FieldSpec) -> Option<Asked> {
    if matches!(spec, FieldSpec::Inverse(_)) {
        return Some(Asked {
            scopes: None,
            schema: None,
        });
    }
    let args = argument_values(ctx, field)?;
    let arg = |name: &str| {
        args.iter()
            .find(|(n, _)| n.as_str() == name)
            .map(|(_, v)| v)
            .filter(|v| **v != Value::Null)
    };
    let scopes = match arg("scope") {
        None => None,
        Some(Value::List(items)) => Some(
            items
                .iter()
                .map(|v| match v {
                    Value::Enum(n) => Some(n.to_string()),
                    _ => None,
                })
                .collect::<Option<Vec<_>>>()?,
        ),
        Some(_) => return None,
    };
    let schema = match arg("schema") {
        None => None,
        Some(Value::String(s)) => Some(crate::context::shared(ctx).ok()?.allowlist.check(s).ok()?),
        Some(_) => return None,
    };
    Some(Asked { scopes, schema })
}

/// Asks for one field's rows on `rows` (read after the level's flush).
fn want(
    registry: &'static Registry,
    loaders: &Loaders,
    a: AssocId,
    spec: FieldSpec,
    rows: &[RowModel],
    asked: &Asked,
) -> Option<(ObjectId, WantedRows)> {
    let assoc = &registry[a];
    Some(match spec {
        FieldSpec::HasOne(_) => {
            let refs: Option<Vec<ScopeRef<'_>>> = asked
                .scopes
                .as_ref()
                .map(|s| s.iter().map(|n| scope_ref(n)).collect());
            if let Some(refs) = &refs
                && assoc.ops.check_scopes(refs).is_err()
            {
                return None;
            }
            let wanted =
                assoc
                    .ops
                    .want_targets(loaders, rows, refs.as_deref(), asked.schema.as_ref());
            (assoc.target, wanted)
        }
        _ => (assoc.source, assoc.ops.want_sources(loaders, rows)),
    })
}

/// What a field's load found, after the flush; with it the next level
/// when the field's selection goes on to an association field of theirs.
fn found<'a>(
    registry: &'static Registry,
    loaders: &Loaders,
    asked: Asking<'a>,
) -> Option<Answered<'a>> {
    let Asking {
        field,
        object,
        schema,
        sources,
        wanted,
    } = asked;
    let found = wanted(loaders).ok()?;
    let next_fields = &registry[object].fields;
    let set = &field.node.selection_set.node;
    let deeper = set.items.iter().any(|item| match &item.node {
        Selection::Field(child) => matches!(
            next_fields.get(child.node.name.node.as_str()),
            Some(FieldSpec::HasOne(_) | FieldSpec::Inverse(_))
        ),
        // What a fragment selects is looked at on the next level.
        _ => true,
    });
    let next_rows: Vec<RowModel> = if deeper {
        found.iter().flatten().cloned().collect()
    } else {
        Vec::new()
    };
    Some(Answered {
        field: address(&field.node),
        schema,
        sources,
        found,
        next: (!next_rows.is_empty()).then(|| Level {
            object,
            rows: next_rows,
            sets: vec![set],
        }),
    })
}
