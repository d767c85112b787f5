//! Black-box tests of the API over HTTP: one binary, one module per area.
//! Each test runs on SQLite, PostgreSQL and MariaDB (see `backend_tests!`).

mod batching;
mod bounds;
mod concurrency;
mod conformance;
mod errors;
mod hardening;
mod has_one_create;
mod has_one_get;
mod has_one_set;
mod http;
mod model;
mod prefetch;
mod relay;
mod schema;
mod schema_option;
mod spec;
mod subscriptions;

use entities::sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use entities::{address, profile, project};
use hasone_tests::TestApp;

/// Row ids of the seed data, read from the database rather than assumed.
pub async fn profile_of(app: &TestApp, user: i32) -> Option<i32> {
    profile::Entity::find()
        .filter(profile::Column::UserId.eq(user))
        .one(&app.db)
        .await
        .expect("profiles")
        .map(|p| p.id)
}

pub async fn address_of(app: &TestApp, user: i32, kind: &str) -> Option<i32> {
    address::Entity::find()
        .filter(address::Column::UserId.eq(user))
        .filter(address::Column::Kind.eq(kind))
        .one(&app.db)
        .await
        .expect("addresses")
        .map(|a| a.id)
}

pub async fn project_of(app: &TestApp, user: i32) -> Option<project::Model> {
    project::Entity::find()
        .filter(project::Column::OwnerId.eq(user))
        .one(&app.db)
        .await
        .expect("projects")
}

pub async fn unlinked_profile(app: &TestApp) -> i32 {
    profile::Entity::find()
        .filter(profile::Column::UserId.is_null())
        .order_by_asc(profile::Column::Id)
        .one(&app.db)
        .await
        .expect("profiles")
        .expect("an unlinked profile in the seed")
        .id
}

pub async fn unlinked_address(app: &TestApp, kind: &str) -> i32 {
    address::Entity::find()
        .filter(address::Column::UserId.is_null())
        .filter(address::Column::Kind.eq(kind))
        .order_by_asc(address::Column::Id)
        .one(&app.db)
        .await
        .expect("addresses")
        .expect("an unlinked address in the seed")
        .id
}

pub async fn unlinked_project(app: &TestApp) -> i32 {
    project::Entity::find()
        .filter(project::Column::OwnerId.is_null())
        .order_by_asc(project::Column::Id)
        .one(&app.db)
        .await
        .expect("projects")
        .expect("an unlinked project in the seed")
        .id
}
