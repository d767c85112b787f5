//! Prefetch: before the fields of a page (or of a single row) run, loads
//! the rows its has-one and belongsTo fields will ask the loaders for,
//! level by level, from the registry alone.
//!
//! A field that loads its own row goes through the `dataloader` crate key
//! by key: it takes the loader's mutex, yields so that its siblings can add
//! their keys, and waits for its row to be handed out, one waiter at a time.
//! On a page of 100 rows that was the costliest part of a request, and under
//! load a nested level's batch could run before all its keys had arrived
//! (docs/performance.md). The prefetch walks the selection instead: for the
//! rows of one level, the keys of every selected association field (every
//! alias, with its own `scope` and `schema`) go to the loaders together, so
//! that the loaders batch them as the fields would, and the next level
//! starts from the rows found. The fields then find their rows in the
//! loaders' caches at once.
//!
//! It follows whatever the registry declares: a new association is
//! prefetched without code here. It only warms the caches: what a field
//! answers, an error included, is still what its own load returns; a
//! selection whose arguments do not parse is not prefetched, and its field
//! reports the error. A field the registry does not know still loads
//! through its loader.

use async_graphql::futures_util::future::join_all;
use async_graphql::{Context, Lookahead, SelectionField, Value};
use hasone::ScopeRef;
use hasone::tenancy::SchemaName;

use crate::ops::RowModel;
use crate::registry::{FieldSpec, Registry};
use crate::schema::{Row, scope_ref};

/// Rows of one object, with the selection made on them.
struct Level<'a> {
    object: usize,
    rows: Vec<RowModel>,
    selection: Lookahead<'a>,
}

/// Prefetches what `selection` loads on `rows`, down to its last level.
/// Each level's loads run at once and are batched together by the loaders;
/// the levels run one after the other, as the fields would.
pub(crate) async fn prefetch(ctx: &Context<'_>, selection: Lookahead<'_>, rows: &[Row]) {
    let (Some(first), Ok(loaders)) = (rows.first(), crate::schema::loaders(ctx)) else {
        return;
    };
    let registry = first.registry;
    let mut level = vec![Level {
        object: first.object,
        rows: rows.iter().map(|r| r.model.clone()).collect(),
        selection,
    }];
    while !level.is_empty() {
        let mut loads = Vec::new();
        for Level {
            object,
            rows,
            selection,
        } in &level
        {
            for (name, field) in &registry.objects[*object].fields {
                let (FieldSpec::HasOne(a) | FieldSpec::Inverse(a)) = *field else {
                    continue;
                };
                for selected in selection.field(name).selection_fields() {
                    let Some(args) = arguments(ctx, &selected, *field) else {
                        continue;
                    };
                    loads.push(load(registry, loaders, a, *field, rows, selected, args));
                }
            }
        }
        level = join_all(loads).await.into_iter().flatten().collect();
    }
}

/// What a field's selection asks: its `scope` names and `schema`.
struct Asked {
    scopes: Option<Vec<String>>,
    schema: Option<SchemaName>,
}

/// The arguments of a selection as its field reads them; `None` when they
/// do not parse (the field reports it) or are not allowed.
fn arguments(ctx: &Context<'_>, selected: &SelectionField<'_>, field: FieldSpec) -> Option<Asked> {
    if matches!(field, FieldSpec::Inverse(_)) {
        return Some(Asked {
            scopes: None,
            schema: None,
        });
    }
    let args = selected.arguments().ok()?;
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
        Some(Value::String(s)) => Some(crate::schema::shared(ctx).ok()?.allowlist.check(s).ok()?),
        Some(_) => return None,
    };
    Some(Asked { scopes, schema })
}

/// Loads one selection's rows; returns them as the next level when the
/// selection goes on to an association field of theirs.
async fn load<'a>(
    registry: &'static Registry,
    loaders: &crate::loaders::Loaders,
    a: usize,
    field: FieldSpec,
    rows: &[RowModel],
    selected: SelectionField<'a>,
    asked: Asked,
) -> Option<Level<'a>> {
    let assoc = &registry.associations[a];
    let (next, found) = match field {
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
            let found = assoc
                .ops
                .targets(loaders, rows, refs.as_deref(), asked.schema.as_ref())
                .await;
            (assoc.target, found)
        }
        _ => (assoc.source, assoc.ops.sources(loaders, rows).await),
    };
    let next_fields = &registry.objects[next].fields;
    let deeper = selected.selection_set().any(|child| {
        matches!(
            next_fields.get(child.name()),
            Some(FieldSpec::HasOne(_) | FieldSpec::Inverse(_))
        )
    });
    if !deeper {
        return None;
    }
    let rows: Vec<RowModel> = found.ok()?.into_iter().flatten().collect();
    (!rows.is_empty()).then(|| Level {
        object: next,
        rows,
        selection: Lookahead::from(selected),
    })
}
