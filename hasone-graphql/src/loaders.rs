//! Per-request dataloaders.
//!
//! One loader per target entity, created on first use in a request and
//! dropped with it: nothing is cached or batched across requests (or users).
//! A loader is a newtype around the connection whose batch function is the
//! has-one core's [`hasone::load`]: one `SELECT` per (lookup, conditions,
//! schema) group of the keys gathered in one batching window, run on a
//! task of its own ([`crate::statements::detached`]), so that a request
//! that stops being polled (a subscription of a client that does not
//! read) never keeps a pooled connection.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use async_graphql::futures_util::future::join_all;
use dataloader::BatchFn;
use dataloader::cached::Loader;
use hasone::{Key, KeyMap, Loaded};
use sea_orm::{DatabaseConnection, DbErr, EntityTrait};

use crate::model::{Found, LoadError, RowModel};
use crate::statements::detached;

/// Keys gathered beyond this many are loaded in another statement.
const MAX_BATCH: usize = 1000;
/// How many times a load yields to let sibling fields add their keys
/// before the batch runs. The fields of a page all add their keys in the
/// first poll, so one yield batches a flat page; nested levels gather their
/// keys while the level above hands out its results, which takes more.
/// Each yield costs a poll of the request's futures: 10 (the crate's
/// default) cost Q2 a tenth of its throughput, 1 split Q3's nested batches
/// more often under load; 3 measured best on both (docs/performance.md).
const YIELD_COUNT: usize = 3;

/// Room for a page's targets of one type before the cache grows.
const CACHE_CAPACITY: usize = 128;

/// The batch function of the loader for rows of type `T`.
pub struct TargetBatch<T> {
    db: DatabaseConnection,
    _target: std::marker::PhantomData<fn() -> T>,
}

impl<T: EntityTrait> BatchFn<Key<T>, Loaded<T>> for TargetBatch<T> {
    async fn load(&mut self, keys: &[Key<T>]) -> HashMap<Key<T>, Loaded<T>> {
        tracing::debug!(
            target_table = T::default().table_name(),
            keys = keys.len(),
            "batch load"
        );
        // On a task of its own: see `detached`.
        let (db, owned) = (self.db.clone(), keys.to_vec());
        match detached(async move { hasone::load(&db, &owned).await }).await {
            Ok(loaded) => loaded,
            Err(err) => failed(keys, &err),
        }
    }
}

/// Every key of a batch whose task failed (it panicked, or the runtime is
/// stopping), with that error.
fn failed<T: EntityTrait>(
    keys: &[Key<T>],
    err: &tokio::task::JoinError,
) -> HashMap<Key<T>, Loaded<T>> {
    tracing::error!(error = %err, "a batch load's task failed");
    let err = Arc::new(DbErr::Custom(format!("a batch load's task failed: {err}")));
    keys.iter()
        .map(|key| (key.clone(), Err(err.clone())))
        .collect()
}

/// The cache of loaded keys, which every field of the request looks up.
type TargetCache<T> = KeyMap<T, Loaded<T>>;
type TargetLoader<T> = Loader<Key<T>, Loaded<T>, TargetBatch<T>, TargetCache<T>>;

/// What the request knows of the rows of `T`, by key: rows a page primed,
/// and what the prefetch loaded.
type Known<T> = KeyMap<T, Result<Option<RowModel>, LoadError>>;

/// Keys of `T` the prefetch wants loaded at its next [`Loaders::flush`].
struct WantedKeys<T: EntityTrait> {
    keys: Vec<Key<T>>,
    seen: KeyMap<T, ()>,
}

/// The wanted keys of one type, whatever it is.
#[async_trait::async_trait]
trait Flush: Send {
    fn as_any(&mut self) -> &mut dyn Any;
    /// Loads the keys (one statement per group, at most [`MAX_BATCH`]
    /// keys each) and keeps what was found in `loaders`' known rows.
    async fn flush(self: Box<Self>, loaders: &Loaders);
}

#[async_trait::async_trait]
impl<T: EntityTrait> Flush for WantedKeys<T>
where
    T::Model: Sync,
{
    fn as_any(&mut self) -> &mut dyn Any {
        self
    }

    async fn flush(self: Box<Self>, loaders: &Loaders) {
        tracing::debug!(
            target_table = T::default().table_name(),
            keys = self.keys.len(),
            "prefetch load"
        );
        // On a task of its own: see `detached`.
        let (db, keys) = (loaders.db.clone(), Arc::new(self.keys));
        let wanted = keys.clone();
        let loaded = detached(async move {
            let loads = wanted.chunks(MAX_BATCH).map(|keys| hasone::load(&db, keys));
            join_all(loads).await
        })
        .await
        .unwrap_or_else(|err| vec![failed(&keys, &err)]);
        loaders.with_known::<T, _>(|known| {
            for (key, row) in loaded.into_iter().flatten() {
                known.insert(key, row.map(|m| m.map(|m| Arc::new(m) as RowModel)));
            }
        });
    }
}

/// The loaders of one request.
///
/// Two ways in: `Loaders::load`, a field's own load, batched with its
/// siblings by the `dataloader` crate; and the prefetch's two steps,
/// `Loaders::want` for every selection of a level, then one
/// `Loaders::flush`, which loads them grouped as the crate would, without
/// its per-key protocol. Both read the rows already known first.
pub struct Loaders {
    db: DatabaseConnection,
    loaders: Mutex<HashMap<TypeId, Arc<dyn Any + Send + Sync>>>,
    known: Mutex<HashMap<TypeId, Box<dyn Any + Send>>>,
    wanted: Mutex<HashMap<TypeId, Box<dyn Flush>>>,
}

impl Loaders {
    /// Fresh loaders (nothing cached) over `db`.
    pub fn new(db: DatabaseConnection) -> Self {
        Loaders {
            db,
            loaders: Mutex::new(HashMap::new()),
            known: Mutex::new(HashMap::new()),
            wanted: Mutex::new(HashMap::new()),
        }
    }

    /// The connection the request reads from (a read replica for a query
    /// when there is one, the primary otherwise).
    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    fn with_known<T: EntityTrait, R>(&self, f: impl FnOnce(&mut Known<T>) -> R) -> R
    where
        T::Model: Sync,
    {
        let mut known = self.known.lock().unwrap_or_else(PoisonError::into_inner);
        let entry = known
            .entry(TypeId::of::<T>())
            .or_insert_with(|| Box::new(Known::<T>::default()));
        match entry.downcast_mut::<Known<T>>() {
            Some(known) => f(known),
            // Keyed by type, so the downcast always succeeds.
            None => f(&mut Known::<T>::default()),
        }
    }

    /// Loads the target of `key`, batched with the other loads of the same
    /// target type in this request.
    pub(crate) async fn load<T: EntityTrait>(
        &self,
        key: Key<T>,
    ) -> Result<Option<RowModel>, LoadError>
    where
        T::Model: Sync,
    {
        if let Some(known) = self.with_known::<T, _>(|known| known.get(&key).cloned()) {
            return known;
        }
        match self.loader::<T>().try_load(key).await {
            Ok(loaded) => loaded.map(|m| m.map(|m| Arc::new(m) as RowModel)),
            // Every key of a batch gets an entry (a row, none, or the
            // error), so a missing one is a bug of the batch function.
            Err(missing) => Err(Arc::new(DbErr::Custom(missing.to_string()))),
        }
    }

    /// Asks for the rows of `keys` at the next [`Loaders::flush`] (the
    /// keys whose rows are known already are not loaded again).
    pub(crate) fn want<T: EntityTrait>(&self, keys: &[Key<T>])
    where
        T::Model: Sync,
    {
        self.with_known::<T, _>(|known| {
            let mut wanted = self.wanted.lock().unwrap_or_else(PoisonError::into_inner);
            let entry = wanted.entry(TypeId::of::<T>()).or_insert_with(|| {
                Box::new(WantedKeys::<T> {
                    keys: Vec::new(),
                    seen: KeyMap::default(),
                })
            });
            let Some(wanted) = entry.as_any().downcast_mut::<WantedKeys<T>>() else {
                return;
            };
            for key in keys {
                if !known.contains_key(key) && wanted.seen.insert(key.clone(), ()).is_none() {
                    wanted.keys.push(key.clone());
                }
            }
        });
    }

    /// Loads every wanted key, the types at once, each type's keys grouped
    /// into one statement per (lookup, conditions, schema).
    pub(crate) async fn flush(&self) {
        let wanted: Vec<Box<dyn Flush>> =
            std::mem::take(&mut *self.wanted.lock().unwrap_or_else(PoisonError::into_inner))
                .into_values()
                .collect();
        join_all(wanted.into_iter().map(|w| w.flush(self))).await;
    }

    /// The known rows of `keys`, after [`Loaders::flush`]: one per key
    /// (`None` where there is none), or the first error of their loads.
    pub(crate) fn known<T: EntityTrait>(&self, keys: &[Key<T>]) -> Found
    where
        T::Model: Sync,
    {
        self.with_known::<T, _>(|known| {
            keys.iter()
                .map(|key| known.get(key).cloned().unwrap_or(Ok(None)))
                .collect()
        })
    }

    /// Keeps rows already read for the keys that find them (a page of
    /// users for the by-id lookups of their inverse fields).
    pub(crate) fn prime<T: EntityTrait>(&self, rows: Vec<(Key<T>, RowModel)>)
    where
        T::Model: Sync,
    {
        self.with_known::<T, _>(|known| {
            known.extend(rows.into_iter().map(|(key, row)| (key, Ok(Some(row)))));
        });
    }

    /// Forgets every cached target: called after each mutation, so later
    /// reads in the same request see the new state.
    pub fn clear(&self) {
        self.loaders
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
        self.known
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }

    fn loader<T: EntityTrait>(&self) -> TargetLoader<T>
    where
        T::Model: Sync,
    {
        let mut loaders = self.loaders.lock().unwrap_or_else(PoisonError::into_inner);
        let entry = loaders.entry(TypeId::of::<T>()).or_insert_with(|| {
            let batch = TargetBatch::<T> {
                db: self.db.clone(),
                _target: std::marker::PhantomData,
            };
            Arc::new(
                Loader::with_cache(
                    batch,
                    TargetCache::<T>::with_capacity_and_hasher(CACHE_CAPACITY, Default::default()),
                )
                .with_max_batch_size(MAX_BATCH)
                .with_yield_count(YIELD_COUNT),
            )
        });
        match entry.downcast_ref::<TargetLoader<T>>() {
            Some(loader) => loader.clone(),
            // Keyed by target type, so the downcast always succeeds; a
            // fresh loader is still correct (only uncached).
            None => Loader::with_cache(
                TargetBatch::<T> {
                    db: self.db.clone(),
                    _target: std::marker::PhantomData,
                },
                TargetCache::<T>::default(),
            ),
        }
    }
}
