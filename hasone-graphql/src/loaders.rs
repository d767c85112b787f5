//! Per-request dataloaders.
//!
//! One loader per target entity, created on first use in a request and
//! dropped with it: nothing is cached or batched across requests (or users).
//! A loader is a newtype around the connection whose batch function is the
//! has-one core's [`hasone::load`]: one `SELECT` per (lookup, conditions,
//! schema) group of the keys gathered in one batching window.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use dataloader::BatchFn;
use dataloader::cached::Loader;
use hasone::{Key, KeyMap, Loaded};
use sea_orm::{DatabaseConnection, DbErr, EntityTrait};

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
        hasone::load(&self.db, keys).await
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
    /// Fresh loaders (nothing cached) over `db`.
    pub fn new(db: DatabaseConnection) -> Self {
        Loaders {
            db,
            loaders: Mutex::new(HashMap::new()),
        }
    }

    /// Loads the target of `key`, batched with the other loads of the same
    /// target type in this request.
    pub async fn load<T: EntityTrait>(&self, key: Key<T>) -> Result<Option<T::Model>, Arc<DbErr>>
    where
        T::Model: Sync,
    {
        match self.loader::<T>().try_load(key).await {
            Ok(loaded) => loaded,
            // Every key of a batch gets an entry (a row, none, or the
            // error), so a missing one is a bug of the batch function.
            Err(missing) => Err(Arc::new(DbErr::Custom(missing.to_string()))),
        }
    }

    /// Loads the targets of `keys`, batched like [`Loaders::load`], and
    /// keeps them for the fields that ask for them later in the request.
    /// Errors are kept too, and answered to those fields.
    pub async fn load_many<T: EntityTrait>(&self, keys: Vec<Key<T>>) -> KeyMapOf<T>
    where
        T::Model: Sync,
    {
        self.loader::<T>()
            .try_load_many(keys)
            .await
            .unwrap_or_default()
            .into_iter()
            .collect()
    }

    /// Keeps rows already read for the keys that find them (a page of
    /// users for the by-id lookups of their inverse fields).
    pub async fn prime<T: EntityTrait>(&self, rows: Vec<(Key<T>, T::Model)>)
    where
        T::Model: Sync,
    {
        self.loader::<T>()
            .prime_many(rows.into_iter().map(|(k, row)| (k, Ok(Some(row)))))
            .await;
    }

    /// Forgets every cached target: called after each mutation, so later
    /// reads in the same request see the new state.
    pub fn clear(&self) {
        self.loaders
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

/// Loaded targets by key.
pub type KeyMapOf<T> = KeyMap<T, Loaded<T>>;
