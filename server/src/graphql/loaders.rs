//! Per-request dataloaders.
//!
//! One loader per target entity, created on first use in a request and
//! dropped with it: nothing is cached or batched across requests (or users).
//! A loader is a newtype around the connection whose batch function is the
//! has-one core's [`has_one::load`]: one `SELECT` per (lookup, scope set,
//! schema) group of the keys gathered in one batching window.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use dataloader::BatchFn;
use dataloader::cached::Loader;
use entities::has_one::{self, Key, KeyMap, Loaded, Scoped};
use sea_orm::DatabaseConnection;

use super::error::ApiError;

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

/// The batch function of the loader for targets of type `T`.
pub struct TargetBatch<T> {
    db: DatabaseConnection,
    _target: std::marker::PhantomData<fn() -> T>,
}

impl<T: Scoped> BatchFn<Key<T>, Loaded<T>> for TargetBatch<T> {
    async fn load(&mut self, keys: &[Key<T>]) -> HashMap<Key<T>, Loaded<T>> {
        tracing::debug!(
            target_table = T::default().table_name(),
            keys = keys.len(),
            "batch load"
        );
        has_one::load(&self.db, keys).await
    }
}

/// The cache of loaded keys, which every field of the request looks up.
type TargetCache<T> = KeyMap<T, Loaded<T>>;
type TargetLoader<T> = Loader<Key<T>, Loaded<T>, TargetBatch<T>, TargetCache<T>>;

/// The loaders of one request.
pub struct Loaders {
    db: DatabaseConnection,
    loaders: Mutex<HashMap<TypeId, Arc<dyn Any + Send + Sync>>>,
}

impl Loaders {
    pub fn new(db: DatabaseConnection) -> Self {
        Loaders {
            db,
            loaders: Mutex::new(HashMap::new()),
        }
    }

    /// Loads the target of `key`, batched with the other loads of the same
    /// target type in this request.
    pub async fn load<T: Scoped>(&self, key: Key<T>) -> Result<Option<T::Model>, ApiError>
    where
        T::Model: Sync,
    {
        let loader = self.loader::<T>().ok_or(ApiError::Internal)?;
        match loader.try_load(key).await {
            Ok(loaded) => Ok(loaded?),
            Err(missing) => Err(ApiError::internal(&missing)),
        }
    }

    /// Loads the targets of `keys`, batched like [`Loaders::load`], and
    /// keeps them for the fields that ask for them later in the request.
    /// Errors are kept too, and answered to those fields.
    pub async fn prefetch<T: Scoped>(&self, keys: Vec<Key<T>>) -> HashMap<Key<T>, Loaded<T>>
    where
        T::Model: Sync,
    {
        match self.loader::<T>() {
            // Every key gets an entry (a row, none, or the error), so this
            // cannot fail on a key of its own batch.
            Some(loader) => loader.try_load_many(keys).await.unwrap_or_default(),
            None => HashMap::new(),
        }
    }

    /// Forgets every cached target: called after each mutation, so later
    /// reads in the same request see the new state.
    pub fn clear(&self) {
        self.loaders
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }

    fn loader<T: Scoped>(&self) -> Option<TargetLoader<T>>
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
        // Keyed by target type, so the downcast always succeeds.
        entry.downcast_ref::<TargetLoader<T>>().cloned()
    }
}
