//! The has-one core on its own: its own entities on in-memory SQLite, no
//! GraphQL, no HTTP. Every test starts from a fresh database seeded by
//! [`fixtures::TestDb::new`].

mod create;
mod fixtures;
mod load;
mod set;
mod tenant;
mod transaction;

use std::collections::HashMap;

use hasone::sea_orm::{EntityTrait, Value};
use hasone::{Conditions, Key, Loaded, Lookup};

/// The key of `value` by `lookup`, read with `conditions`, default schema.
pub fn key<T: EntityTrait>(
    lookup: Lookup<T>,
    value: impl Into<Value>,
    conditions: &Conditions<T>,
) -> Key<T> {
    Key::new(lookup, value.into(), conditions.clone(), None)
}

/// What `load` found for `key`: the statement must have succeeded.
pub fn found<T: EntityTrait>(
    loaded: &HashMap<Key<T>, Loaded<T>>,
    key: &Key<T>,
) -> Option<T::Model> {
    loaded
        .get(key)
        .expect("every key is answered")
        .clone()
        .expect("the statement succeeded")
}

/// Asserts `err` is `NotFound` of row `id` of table `entity`.
pub fn assert_not_found(err: hasone::Error, entity: &str, id: &str) {
    match err {
        hasone::Error::NotFound { entity: e, id: i } => assert_eq!((e, i.as_str()), (entity, id)),
        other => panic!("expected NotFound, got {other:?}"),
    }
}
