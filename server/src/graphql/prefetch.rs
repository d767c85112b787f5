//! Prefetch: before the fields of a page run, loads the rows its has-one
//! and belongsTo fields will ask the loaders for, level by level.
//!
//! A field that loads its own row goes through the `dataloader` crate key
//! by key: it takes the loader's mutex, yields so that its siblings can add
//! their keys, and waits for its row to be handed out, one waiter at a time.
//! On a page of 100 rows that was the costliest part of a request, and under
//! load a nested level's batch could run before all its keys had arrived
//! (docs/performance.md). The prefetch walks the selection instead: the keys
//! of every selected field of one level go to the loaders together (with
//! `load_many`, so the same batches and the same statements as the fields
//! would cause), and the next level starts from the rows found. The fields
//! then find their rows in the loaders' caches at once.
//!
//! The prefetch only warms the caches: what a field answers, including an
//! error, is still what its own load returns. A selection whose arguments
//! do not parse is not prefetched; its field reports the error.

use std::borrow::Cow;

use async_graphql::futures_util::future::join_all;
use async_graphql::{Context, InputType, Lookahead, SelectionField};
use entities::has_one::{HasOne, Key, Scoped};
use entities::{address, profile, project, settings, user};
use sea_orm::{EntityTrait, Value};

use super::has_one::{id_key, loaders, lookup_key, schema_arg, scope_set};
use super::types::address::AddressScope;
use super::types::profile::ProfileScope;
use super::types::project::ProjectScope;
use super::types::settings::SettingsScope;

/// The fields the prefetch follows, by GraphQL type: `User`'s has-one
/// fields, and the belongsTo field back to the user of each target type.
const USER: [&str; 5] = [
    "profile",
    "billingAddress",
    "shippingAddress",
    "project",
    "settings",
];
const PROFILE: [&str; 1] = ["user"];
const ADDRESS: [&str; 1] = ["user"];
const PROJECT: [&str; 1] = ["owner"];
const SETTINGS: [&str; 1] = ["user"];

/// Rows of one GraphQL type, with the selection made on them.
pub enum Level<'a, 'r> {
    Users(Lookahead<'a>, Cow<'r, [user::Model]>),
    Profiles(Lookahead<'a>, Vec<profile::Model>),
    Addresses(Lookahead<'a>, Vec<address::Model>),
    Projects(Lookahead<'a>, Vec<project::Model>),
    Settings(Lookahead<'a>, Vec<settings::Model>),
}

/// Prefetches what the selection on `rows` loads, down to its last level.
/// Each level's loads run at once and are batched together by the loaders;
/// the levels run one after the other, as the fields would.
pub async fn prefetch(ctx: &Context<'_>, rows: Level<'_, '_>) {
    let mut level = vec![rows];
    while !level.is_empty() {
        let next = join_all(level.into_iter().map(|rows| rows.load(ctx))).await;
        level = next.into_iter().flatten().collect();
    }
}

impl<'a> Level<'a, '_> {
    /// Loads the rows this level's selected fields ask for; returns them as
    /// the next levels, one per selection (alias) that goes deeper.
    async fn load(self, ctx: &Context<'_>) -> Vec<Level<'a, 'static>> {
        match self {
            Level::Users(sel, rows) => {
                let [profile, billing, shipping, project, settings] = USER;
                let (profiles, billings, shippings, projects, settings) = tokio::join!(
                    has_one::<_, _, ProfileScope>(
                        ctx,
                        &sel,
                        profile,
                        &user::PROFILE,
                        &rows,
                        &PROFILE
                    ),
                    has_one::<_, _, AddressScope>(
                        ctx,
                        &sel,
                        billing,
                        &user::BILLING_ADDRESS,
                        &rows,
                        &ADDRESS
                    ),
                    has_one::<_, _, AddressScope>(
                        ctx,
                        &sel,
                        shipping,
                        &user::SHIPPING_ADDRESS,
                        &rows,
                        &ADDRESS
                    ),
                    has_one::<_, _, ProjectScope>(
                        ctx,
                        &sel,
                        project,
                        &user::PROJECT,
                        &rows,
                        &PROJECT
                    ),
                    has_one::<_, _, SettingsScope>(
                        ctx,
                        &sel,
                        settings,
                        &user::SETTINGS,
                        &rows,
                        &SETTINGS
                    ),
                );
                let addresses = billings.into_iter().chain(shippings);
                profiles
                    .into_iter()
                    .map(|(sel, rows)| Level::Profiles(sel, rows))
                    .chain(addresses.map(|(sel, rows)| Level::Addresses(sel, rows)))
                    .chain(
                        projects
                            .into_iter()
                            .map(|(sel, rows)| Level::Projects(sel, rows)),
                    )
                    .chain(
                        settings
                            .into_iter()
                            .map(|(sel, rows)| Level::Settings(sel, rows)),
                    )
                    .collect()
            }
            Level::Profiles(sel, rows) => {
                users(ctx, &sel, PROFILE[0], by_id(rows.iter().map(|r| r.user_id))).await
            }
            Level::Addresses(sel, rows) => {
                users(ctx, &sel, ADDRESS[0], by_id(rows.iter().map(|r| r.user_id))).await
            }
            Level::Projects(sel, rows) => {
                users(
                    ctx,
                    &sel,
                    PROJECT[0],
                    by_id(rows.iter().map(|r| r.owner_id)),
                )
                .await
            }
            Level::Settings(sel, rows) => {
                // The user whose handle the settings hold.
                let keys = rows
                    .iter()
                    .filter_map(|r| r.user_handle.clone())
                    .map(|handle| lookup_key(user::BY_HANDLE, Value::from(handle), None))
                    .collect();
                users(ctx, &sel, SETTINGS[0], keys).await
            }
        }
    }
}

/// The keys of users by id, as [`super::has_one::by_id`] builds them.
fn by_id(ids: impl Iterator<Item = Option<i32>>) -> Vec<Key<user::Entity>> {
    ids.flatten().map(|id| id_key(id, None)).collect()
}

/// A belongsTo field back to `User` (`Profile.user`, `Project.owner`, ...).
async fn users<'a>(
    ctx: &Context<'_>,
    sel: &Lookahead<'a>,
    field: &str,
    keys: Vec<Key<user::Entity>>,
) -> Vec<Level<'a, 'static>> {
    let selections = selections(sel, field, &USER, |_| Some(keys.clone()));
    load(ctx, selections)
        .await
        .into_iter()
        .map(|(sel, rows)| Level::Users(sel, Cow::Owned(rows)))
        .collect()
}

/// A has-one field of `User`, as [`super::has_one::get`] loads it: one set
/// of keys per selection, each with its own `scope` and `schema`.
async fn has_one<'a, S, T, G>(
    ctx: &Context<'_>,
    sel: &Lookahead<'a>,
    field: &str,
    assoc: &'static HasOne<S, T>,
    sources: &[S::Model],
    next: &[&str],
) -> Vec<(Lookahead<'a>, Vec<T::Model>)>
where
    S: EntityTrait,
    T: Scoped<Model: Sync>,
    G: InputType + Into<T::Scope>,
{
    let selections = selections(sel, field, next, |selection| {
        let (scope, schema) = field_args::<G>(ctx, selection)?;
        let scopes = scope_set::<T, G>(scope);
        Some(
            sources
                .iter()
                .map(|source| assoc.key(source, scopes.clone(), schema.clone()))
                .collect(),
        )
    });
    load(ctx, selections).await
}

/// One selection of a field and the keys it loads.
struct Selection<'a, T: Scoped> {
    field: SelectionField<'a>,
    keys: Vec<Key<T>>,
    /// Whether the selection goes on to a field the prefetch follows.
    deeper: bool,
}

/// The selections of `field` in `sel` (one per alias) with their keys;
/// `next` are the fields the prefetch follows on the field's type.
fn selections<'a, T: Scoped>(
    sel: &Lookahead<'a>,
    field: &str,
    next: &[&str],
    keys: impl Fn(&SelectionField<'a>) -> Option<Vec<Key<T>>>,
) -> Vec<Selection<'a, T>> {
    sel.field(field)
        .selection_fields()
        .into_iter()
        .filter(included)
        .filter_map(|field| {
            let keys = keys(&field)?;
            let deeper = field
                .selection_set()
                .any(|child| next.contains(&child.name()));
            Some(Selection {
                field,
                keys,
                deeper,
            })
        })
        .collect()
}

/// Whether a field's own `@skip`/`@include` let it run. (Directives on
/// fragments around it are not looked at: such a field is prefetched and
/// its batch runs for nothing.)
fn included(field: &SelectionField<'_>) -> bool {
    let Ok(directives) = field.directives() else {
        return true;
    };
    directives.iter().all(|d| {
        let condition = d
            .arguments
            .iter()
            .find(|(name, _)| name.node.as_str() == "if")
            .map(|(_, value)| &value.node);
        !matches!(
            (d.name.node.as_str(), condition),
            ("skip", Some(async_graphql::Value::Boolean(true)))
                | ("include", Some(async_graphql::Value::Boolean(false)))
        )
    })
}

/// Loads the keys of every selection in one `load_many`, and returns the
/// rows found for each selection that goes deeper.
async fn load<'a, T: Scoped<Model: Sync>>(
    ctx: &Context<'_>,
    selections: Vec<Selection<'a, T>>,
) -> Vec<(Lookahead<'a>, Vec<T::Model>)> {
    let Ok(loaders) = loaders(ctx) else {
        return Vec::new();
    };
    // Only the keys of selections that go deeper are needed afterwards, to
    // find their rows; the others are moved into the batch, not copied.
    let mut keys: Vec<Key<T>> = Vec::new();
    let mut deeper = Vec::new();
    for s in selections {
        if s.deeper {
            keys.extend(s.keys.iter().cloned());
            deeper.push((s.field, s.keys));
        } else {
            keys.extend(s.keys);
        }
    }
    if keys.is_empty() {
        return Vec::new();
    }
    let loaded = loaders.prefetch(keys).await;
    deeper
        .into_iter()
        .map(|(field, keys)| {
            let rows = keys
                .iter()
                .filter_map(|key| loaded.get(key)?.as_ref().ok()?.clone())
                .collect();
            (Lookahead::from(field), rows)
        })
        .collect()
}

/// The `scope` and `schema` arguments of a has-one field's selection, as
/// the field itself reads them.
fn field_args<G: InputType>(
    ctx: &Context<'_>,
    selection: &SelectionField<'_>,
) -> Option<(Option<Vec<G>>, Option<entities::tenancy::SchemaName>)> {
    let args = selection.arguments().ok()?;
    let arg = |name: &str| {
        args.iter()
            .find(|(n, _)| n.as_str() == name)
            .map(|(_, v)| v.clone())
    };
    let scope = <Option<Vec<G>>>::parse(arg("scope")).ok()?;
    let schema = <Option<String>>::parse(arg("schema")).ok()?;
    let schema = schema_arg(ctx, schema).ok()?;
    Some((scope, schema))
}

#[cfg(test)]
mod tests {
    use super::{ADDRESS, PROFILE, PROJECT, SETTINGS, USER};

    /// The lines of `type <name> ... { ... }` in the schema's SDL.
    fn type_body(sdl: &str, name: &str) -> String {
        let start = sdl
            .find(&format!("\ntype {name} "))
            .unwrap_or_else(|| panic!("no type {name}"));
        let end = start + sdl[start..].find("\n}").expect("end of type");
        sdl[start..=end].to_owned()
    }

    /// The prefetch finds fields by their GraphQL names: each must be a
    /// field of its type (has-one fields taking `scope` and `schema`), or
    /// its prefetch would silently never run.
    #[test]
    fn prefetched_fields_exist() {
        let sdl = format!("\n{}", crate::graphql::sdl());
        let user = type_body(&sdl, "User");
        for name in USER {
            let at = user
                .find(&format!("\n\t{name}(\n"))
                .unwrap_or_else(|| panic!("User has no field {name} with arguments"));
            let field = &user[at..];
            let field = &field[..field.find("): ").expect("end of the arguments")];
            assert!(field.contains("\t\tscope: ["), "{name} takes no scope");
            assert!(
                field.contains("\t\tschema: String"),
                "{name} takes no schema"
            );
        }
        for (ty, fields) in [
            ("Profile", PROFILE),
            ("Address", ADDRESS),
            ("Project", PROJECT),
            ("Settings", SETTINGS),
        ] {
            let body = type_body(&sdl, ty);
            for name in fields {
                assert!(
                    body.contains(&format!("\n\t{name}: User\n")),
                    "{ty} has no field `{name}: User`"
                );
            }
        }
    }
}
