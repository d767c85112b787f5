//! Deterministic demo data for the server, the tests and the benchmarks.
//!
//! User `i` (1-based) has: a profile unless `i % 5 == 0` (public when `i` is
//! even); a billing address unless `i % 4 == 0` and a shipping address
//! unless `i % 3 == 0` (verified when `i % 2 == 1`); a project when `i` is
//! even, archived when `i % 10 == 0`; settings unless `i % 7 == 0` (dark
//! when `i % 2 == 1`). Its handle is `user<i>`. A few targets of each kind
//! are left unlinked, for `set` to link.

use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait};

use crate::address::Kind;
use crate::profile::Visibility;
use crate::settings::Theme;
use crate::{address, profile, project, settings, user};

/// Rows per `INSERT` (well under every backend's parameter limit).
const CHUNK: usize = 500;

/// Inserts `users` demo users and their targets, plus `unlinked` targets of
/// each kind without a source. Does nothing when `users` already has rows.
/// Returns whether it seeded.
pub async fn seed<C: ConnectionTrait>(db: &C, users: i32, unlinked: i32) -> Result<bool, DbErr> {
    if user::Entity::find().count(db).await? > 0 {
        return Ok(false);
    }
    let user_rows: Vec<_> = (1..=users)
        .map(|i| user::ActiveModel {
            id: Set(i),
            name: Set(format!("User {i}")),
            email: Set(format!("user{i}@example.com")),
            handle: Set(Some(format!("user{i}"))),
        })
        .collect();
    insert_chunks::<user::Entity, _, _>(db, user_rows).await?;

    let owners = (1..=users).map(Some).chain((0..unlinked).map(|_| None));
    let mut profiles = Vec::new();
    let mut addresses = Vec::new();
    let mut projects = Vec::new();
    let mut settings_rows = Vec::new();
    for (n, owner) in owners.enumerate() {
        let i = owner.unwrap_or(n as i32 + 1);
        if owner.is_none() || i % 5 != 0 {
            profiles.push(profile::ActiveModel {
                user_id: Set(owner),
                bio: Set(format!("Bio of {}", label(owner, n))),
                visibility: Set(if i % 2 == 0 {
                    Visibility::Public
                } else {
                    Visibility::Private
                }),
                ..Default::default()
            });
        }
        for (kind, skip) in [(Kind::Billing, i % 4 == 0), (Kind::Shipping, i % 3 == 0)] {
            if owner.is_none() || !skip {
                let name = match kind {
                    Kind::Billing => Kind::BILLING,
                    Kind::Shipping => Kind::SHIPPING,
                };
                addresses.push(address::ActiveModel {
                    user_id: Set(owner),
                    kind: Set(kind),
                    street: Set(format!("{i} {name} street")),
                    city: Set(["Lisbon", "Oslo", "Quito", "Osaka"][i as usize % 4].into()),
                    country: Set(["PT", "NO", "EC", "JP"][i as usize % 4].into()),
                    verified: Set(i % 2 == 1),
                    ..Default::default()
                });
            }
        }
        if owner.is_none() || i % 7 != 0 {
            settings_rows.push(settings::ActiveModel {
                user_handle: Set(owner.map(|i| format!("user{i}"))),
                theme: Set(if i % 2 == 1 {
                    Theme::Dark
                } else {
                    Theme::Light
                }),
                notifications: Set(i % 3 != 0),
                ..Default::default()
            });
        }
        if owner.is_none() || i % 2 == 0 {
            projects.push(project::ActiveModel {
                owner_id: Set(owner),
                name: Set(format!("Project of {}", label(owner, n))),
                archived: Set(owner.is_some() && i % 10 == 0),
                ..Default::default()
            });
        }
    }
    insert_chunks::<profile::Entity, _, _>(db, profiles).await?;
    insert_chunks::<address::Entity, _, _>(db, addresses).await?;
    insert_chunks::<project::Entity, _, _>(db, projects).await?;
    insert_chunks::<settings::Entity, _, _>(db, settings_rows).await?;
    fix_sequence(db, users).await?;
    Ok(true)
}

fn label(owner: Option<i32>, n: usize) -> String {
    match owner {
        Some(i) => format!("user {i}"),
        None => format!("nobody #{n}"),
    }
}

async fn insert_chunks<E, A, C>(db: &C, rows: Vec<A>) -> Result<(), DbErr>
where
    E: EntityTrait<ActiveModel = A>,
    A: sea_orm::ActiveModelTrait<Entity = E> + Send,
    C: ConnectionTrait,
{
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<A> = rows.by_ref().take(CHUNK).collect();
        E::insert_many(chunk).exec_without_returning(db).await?;
    }
    Ok(())
}

/// Users were inserted with explicit ids; move PostgreSQL's sequence past
/// them (SQLite and MySQL follow the largest id by themselves).
async fn fix_sequence<C: ConnectionTrait>(db: &C, users: i32) -> Result<(), DbErr> {
    if db.get_database_backend() == sea_orm::DbBackend::Postgres && users > 0 {
        db.execute_unprepared(&format!(
            "SELECT setval(pg_get_serial_sequence('users', 'id'), {users})"
        ))
        .await?;
    }
    Ok(())
}
