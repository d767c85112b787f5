//! [`App`]: the type that names an application's registry, and the
//! names of its root types.

use std::any::TypeId;
use std::collections::HashMap;
use std::sync::RwLock;

use crate::registry::Registry;

/// An application: the type its roots ([`crate::Queries`],
/// [`crate::Mutations`], [`crate::Subscriptions`]) are generic over.
/// Implement it once; hasone builds the registry on first use and keeps
/// it for the process:
///
/// ```
/// use hasone_graphql::{App, Registry};
///
/// pub struct Shop;
/// impl App for Shop {
///     fn declare(registry: &mut Registry) {
///         // registry.entity(…).has_one(…), see docs/library.md
///     }
/// }
/// ```
pub trait App: Send + Sync + 'static {
    /// Declares the application's entities and associations; called once
    /// per process.
    fn declare(registry: &mut Registry);

    /// The root types' names where [`crate::Queries`],
    /// [`crate::Mutations`] and [`crate::Subscriptions`] are a schema's
    /// roots themselves (roots merged with `MergedObject` or
    /// `MergedSubscription` take the merged type's name).
    const ROOT_NAMES: RootNames = RootNames::PLAIN;
}

/// The names of a schema's root types.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RootNames {
    /// The query root's.
    pub query: &'static str,
    /// The mutation root's.
    pub mutation: &'static str,
    /// The subscription root's.
    pub subscription: &'static str,
}

impl RootNames {
    /// `Query`, `Mutation` and `Subscription`.
    pub const PLAIN: RootNames = RootNames {
        query: "Query",
        mutation: "Mutation",
        subscription: "Subscription",
    };
}

/// The registries built so far, one per application type, for the
/// process's lifetime (a generic function cannot hold a `static` of its
/// own per type).
static BUILT: RwLock<Option<HashMap<TypeId, &'static Registry>>> = RwLock::new(None);

/// `A`'s registry, declared on first use.
pub(crate) fn registry<A: App>() -> &'static Registry {
    let id = TypeId::of::<A>();
    let built = |map: &Option<HashMap<TypeId, &'static Registry>>| map.as_ref()?.get(&id).copied();
    // A poisoned lock only means a declaration panicked elsewhere: the map
    // itself is never left half-written.
    if let Some(registry) = built(&BUILT.read().unwrap_or_else(|e| e.into_inner())) {
        return registry;
    }
    // Declared outside the lock: a declaration that panics poisons nothing.
    let mut registry = Registry::new();
    A::declare(&mut registry);
    let mut map = BUILT.write().unwrap_or_else(|e| e.into_inner());
    if let Some(registry) = built(&map) {
        // Another thread declared it meanwhile; the two are equal.
        return registry;
    }
    let registry: &'static Registry = Box::leak(Box::new(registry));
    map.get_or_insert_with(HashMap::new).insert(id, registry);
    registry
}

impl Registry {
    /// The registry of `A`, declared on first use (tests and tools; the
    /// roots find it themselves).
    pub fn of<A: App>() -> &'static Registry {
        registry::<A>()
    }
}
