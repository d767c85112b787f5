//! The demo application: its entities and associations registered with
//! hasone-graphql, and its schema. Everything here is what any
//! application writes: the public API of hasone-graphql only.

use async_graphql::{MergedObject, MergedSubscription, Schema, SchemaBuilder};
use entities::address::{self, Kind};
use entities::profile::{self, Visibility};
use entities::settings::{self, Theme};
use entities::{project, user};
use hasone_graphql::{App, EnumSpec, Exposed, Mutations, Queries, Registry, Subscriptions};
use sea_orm::Value;

/// The demo's registry.
pub struct Demo;

impl App for Demo {
    fn declare(registry: &mut Registry) {
        declare(registry);
    }
}

fn declare(registry: &mut Registry) {
    registry
        .tenancy()
        .entity(
            Exposed::<user::Entity>::new("User")
                .queries("user", "users")
                .column(user::Column::Name, "The user's name, 1 to 255 characters.")
                .min_chars(user::Column::Name, 1)
                .column(user::Column::Email, "Unique; must contain `@`.")
                .check(user::Column::Email, email)
                .column(
                    user::Column::Handle,
                    "Unique and changeable: letters, digits, `_` and `-`, 1 to 64 characters; the source key of `settings`.",
                )
                .check(user::Column::Handle, handle),
        )
        .entity(
            Exposed::<profile::Entity>::new("Profile")
                .scopes(&profile::SCOPES)
                .column(profile::Column::Bio, "The profile's text, up to 255 characters.")
                .column(profile::Column::Visibility, "Who may see the profile.")
                .enumeration(
                    profile::Column::Visibility,
                    EnumSpec::of::<Visibility>("Visibility", "Who may see a profile."),
                ),
        )
        .entity(
            Exposed::<address::Entity>::new("Address")
                .scopes(&address::SCOPES)
                .column(
                    address::Column::Kind,
                    "`BILLING` or `SHIPPING`: assigned by the association that links it.",
                )
                .enumeration(
                    address::Column::Kind,
                    EnumSpec::of::<Kind>("AddressKind", "The association scope column of addresses."),
                )
                .column(address::Column::Street, "Street and number, 1 to 255 characters.")
                .min_chars(address::Column::Street, 1)
                .column(address::Column::City, "1 to 255 characters.")
                .min_chars(address::Column::City, 1)
                .column(address::Column::Country, "1 to 255 characters.")
                .min_chars(address::Column::Country, 1)
                .column(address::Column::Verified, "Whether the address was checked."),
        )
        .entity(
            Exposed::<project::Entity>::new("Project")
                .scopes(&project::SCOPES)
                .column(project::Column::Name, "1 to 255 characters.")
                .min_chars(project::Column::Name, 1)
                .column(
                    project::Column::Archived,
                    "Archived projects are hidden by the default scope.",
                ),
        )
        .entity(
            Exposed::<settings::Entity>::new("Settings")
                .column(
                    settings::Column::UserHandle,
                    "The foreign key `settings.user_handle`: the handle of the linked user; null when unlinked.",
                )
                .column(settings::Column::Theme, "The colour scheme.")
                .enumeration(
                    settings::Column::Theme,
                    EnumSpec::of::<Theme>("Theme", "The colour scheme of the user interface."),
                )
                .column(settings::Column::Notifications, "Whether the user gets notifications."),
        )
        .has_one(&user::PROFILE)
        .has_one(&user::BILLING_ADDRESS)
        .has_one(&user::SHIPPING_ADDRESS)
        .has_one(&user::PROJECT)
        .has_one(&user::SETTINGS);
}

fn email(value: &Value) -> Result<(), String> {
    match value {
        Value::String(Some(email)) if email.contains('@') && email.chars().count() >= 3 => Ok(()),
        _ => Err("must contain `@`".to_owned()),
    }
}

fn handle(value: &Value) -> Result<(), String> {
    match value {
        Value::String(Some(handle))
            if (1..=64).contains(&handle.chars().count())
                && handle
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') =>
        {
            Ok(())
        }
        _ => Err("must be 1 to 64 letters, digits, `_` or `-`".to_owned()),
    }
}

/// Reads: any row by its global id (`node`), a user by id, pages of users.
#[derive(MergedObject, Default)]
pub struct QueryRoot(Queries<Demo>);

/// Writes: `set*` and `create*` of each has-one association, and each
/// entity's `create*`, `update*` and `delete*`.
#[derive(MergedObject, Default)]
pub struct MutationRoot(Mutations<Demo>);

/// Changes: `<source><Assoc>Changed` of each has-one association.
#[derive(MergedSubscription, Default)]
pub struct SubscriptionRoot(Subscriptions<Demo>);

pub type DemoSchema = Schema<QueryRoot, MutationRoot, SubscriptionRoot>;

/// The schema's roots, to serve ([`hasone_actix::AppState::build`]) or
/// print.
pub fn schema() -> SchemaBuilder<QueryRoot, MutationRoot, SubscriptionRoot> {
    Schema::build(
        QueryRoot::default(),
        MutationRoot::default(),
        SubscriptionRoot::default(),
    )
}

/// The schema in SDL, as committed in `schema.graphql`: no database
/// needed.
pub fn sdl() -> String {
    schema().finish().sdl()
}
