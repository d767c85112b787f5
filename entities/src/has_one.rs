//! The generic has-one core: Sequelize's `hasOne` for any pair of SeaORM
//! entities.
//!
//! An association is declared once, as a `const` [`HasOne`] next to its
//! source entity (see `user.rs`). That declaration gives:
//! - the batched `getAssociation` as [`load`], for many source keys at once,
//!   one `SELECT` per (association, scope set, schema) group;
//! - `setAssociation` as [`HasOne::set`], moving the foreign key on the target;
//! - `createAssociation` as [`HasOne::create`].
//!
//! Targets declare their model scopes (Sequelize's `defaultScope` and named
//! `scopes`) through [`Scoped`]; a read applies a [`ScopeSet`].
//!
//! Where Sequelize is lax this core is strict: `set` and `create` run in one
//! transaction that locks the source row first, and an unknown source or
//! target id is an error instead of a silent no-op.

use std::collections::HashMap;
use std::fmt::Debug;
use std::hash::{BuildHasher, BuildHasherDefault, Hash, Hasher};
use std::sync::{Arc, LazyLock};

use foldhash::fast::RandomState;
use futures_util::future::join_all;

use sea_orm::sea_query::{Alias, Expr, ForeignKeyAction, TableRef};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, DbErr, EntityTrait, IdenStatic, Iterable, ModelTrait, PrimaryKeyToColumn,
    PrimaryKeyTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait, SqliteTransactionMode,
    TransactionOptions, TransactionTrait, Value,
};

use crate::error::{Error, is_transient};
use crate::tenancy::SchemaName;

/// A scope condition's value. `const`-constructible so that associations and
/// scopes can be declared as constants.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ScopeValue {
    Str(&'static str),
    Bool(bool),
    Int(i64),
}

impl From<ScopeValue> for Value {
    fn from(v: ScopeValue) -> Self {
        match v {
            ScopeValue::Str(s) => s.into(),
            ScopeValue::Bool(b) => b.into(),
            ScopeValue::Int(i) => i.into(),
        }
    }
}

/// Column-keyed equality conditions: the `where` object of a Sequelize scope.
pub type Conditions<T> = Vec<(<T as EntityTrait>::Column, ScopeValue)>;

/// A target entity with model scopes.
pub trait Scoped: EntityTrait {
    /// The named scopes, including the default one.
    type Scope: Copy + Eq + Hash + Debug + Send + Sync + 'static;
    /// The scope that applies when a read names none (`defaultScope`).
    const DEFAULT: Self::Scope;
    /// The conditions of one scope.
    fn conditions(scope: Self::Scope) -> Conditions<Self>;
}

/// The model scopes a read applies, in order (Sequelize's `options.scope`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ScopeSet<S>(Arc<[S]>);

impl<S: Copy> ScopeSet<S> {
    /// `scope` omitted: the default scope. `Some([])`: no scope at all
    /// (Sequelize `scope: false`). `Some([A, B])`: A then B, merged.
    pub fn from_request<T: Scoped<Scope = S>>(scopes: Option<Vec<S>>) -> Self {
        ScopeSet(scopes.unwrap_or_else(|| vec![T::DEFAULT]).into())
    }

    /// No model scope (what `set` and `create` use to find the linked target).
    pub fn unscoped() -> Self {
        ScopeSet(Arc::new([]))
    }

    pub fn scopes(&self) -> &[S] {
        &self.0
    }
}

/// Merges scopes as Sequelize 6's `Model.scope([...])` does for equality
/// conditions: conditions on different columns are ANDed, and a later
/// scope's condition on a column replaces an earlier one on the same column.
pub fn merge_scopes<T: Scoped>(scopes: &ScopeSet<T::Scope>) -> Conditions<T> {
    let mut merged: Conditions<T> = Vec::new();
    for scope in scopes.scopes() {
        for (col, value) in T::conditions(*scope) {
            match merged.iter_mut().find(|(c, _)| c.as_str() == col.as_str()) {
                Some(slot) => slot.1 = value,
                None => merged.push((col, value)),
            }
        }
    }
    merged
}

/// What deleting the source does to its target (`onDelete`); the foreign
/// key always follows a changed source key (`ON UPDATE CASCADE`).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum OnDelete {
    /// The target stays, unlinked (Sequelize's default for nullable keys).
    SetNull,
    /// The target is deleted with its source.
    Cascade,
}

impl OnDelete {
    pub fn action(self) -> ForeignKeyAction {
        match self {
            OnDelete::SetNull => ForeignKeyAction::SetNull,
            OnDelete::Cascade => ForeignKeyAction::Cascade,
        }
    }
}

/// One has-one association: `Source.hasOne(Target, { as, foreignKey,
/// sourceKey, scope, onDelete })`.
#[derive(Debug)]
pub struct HasOne<S: EntityTrait, T: EntityTrait> {
    /// The association's name (`as`), unique among `S`'s associations to `T`.
    pub name: &'static str,
    /// The source column whose value the foreign key holds (`sourceKey`).
    pub source_key: S::Column,
    /// The foreign key column on the target (`foreignKey`).
    pub foreign_key: T::Column,
    /// The association scope: always applied on read, assigned on set/create.
    pub scope: &'static [(T::Column, ScopeValue)],
    /// The foreign key's `ON DELETE` action (used by the migrations).
    pub on_delete: OnDelete,
}

/// The outcome of `set` or `create`.
#[derive(Clone, Debug)]
pub struct Linked<S: EntityTrait, T: EntityTrait> {
    pub source: S::Model,
    /// The target now linked (`None` after `set(null)`).
    pub target: Option<T::Model>,
    /// The target that was unlinked, if any.
    pub previous: Option<T::Model>,
}

type Id<E> = <<E as EntityTrait>::PrimaryKey as PrimaryKeyTrait>::ValueType;

impl<S: EntityTrait, T: Scoped> HasOne<S, T> {
    /// The source key value of a source row.
    pub fn key_of(&self, source: &S::Model) -> Value {
        source.get(self.source_key)
    }

    /// The source key of a source that can have a target: a null key (a
    /// nullable `sourceKey`) links nothing. Sequelize would write a null
    /// foreign key and then find orphans; this refuses.
    fn linkable_key(&self, source: &S::Model) -> Result<Value, Error> {
        let key = self.key_of(source);
        if key == key.as_null() {
            return Err(Error::Conflict(
                "the source's key is null, so nothing can be linked to it",
            ));
        }
        Ok(key)
    }

    /// `getAssociation` for a single source, unbatched. Prefer [`load`].
    pub async fn get<C: ConnectionTrait>(
        &self,
        db: &C,
        source: &S::Model,
        scopes: &ScopeSet<T::Scope>,
        schema: Option<&SchemaName>,
    ) -> Result<Option<T::Model>, DbErr> {
        let values = vec![self.key_of(source)];
        let rows = select(db, &self.lookup(), values, scopes, schema).await?;
        Ok(rows.into_iter().next())
    }

    /// `setAssociation(target)`: unlinks the current target (FK := NULL) and
    /// links `target` (FK := source key, association scope assigned), in one
    /// transaction. `None` only unlinks; the already-linked target is a no-op.
    pub async fn set(
        &self,
        db: &DatabaseConnection,
        source_id: Id<S>,
        target_id: Option<Id<T>>,
        schema: Option<&SchemaName>,
    ) -> Result<Linked<S, T>, Error>
    where
        Id<S>: Clone + Debug,
        Id<T>: Clone + Debug,
    {
        retrying(|| self.set_once(db, source_id.clone(), target_id.clone(), schema)).await
    }

    async fn set_once(
        &self,
        db: &DatabaseConnection,
        source_id: Id<S>,
        target_id: Option<Id<T>>,
        schema: Option<&SchemaName>,
    ) -> Result<Linked<S, T>, Error>
    where
        Id<S>: Clone + Debug,
        Id<T>: Clone + Debug,
    {
        let txn = begin_write(db).await?;
        let source = lock_source::<S, _>(&txn, source_id).await?;
        let key = self.linkable_key(&source)?;
        let target = match target_id {
            Some(id) => Some(find_by_id::<T, _>(&txn, id, schema).await?),
            None => None,
        };
        let current = self.current(&txn, &key, schema).await?;
        let already = match (&current, &target) {
            (Some(c), Some(t)) => pk_value::<T>(c) == pk_value::<T>(t),
            _ => false,
        };
        if already {
            txn.commit().await?;
            return Ok(Linked {
                source,
                target,
                previous: None,
            });
        }
        if let Some(current) = &current {
            self.unlink(&txn, current, &key, schema).await?;
        }
        let target = match target {
            Some(t) => {
                self.link(&txn, &t, &key, schema).await?;
                Some(reload::<T, _>(&txn, &t, schema).await?)
            }
            None => None,
        };
        let previous = match current {
            Some(c) => Some(reload::<T, _>(&txn, &c, schema).await?),
            None => None,
        };
        txn.commit().await?;
        Ok(Linked {
            source,
            target,
            previous,
        })
    }

    /// `createAssociation(values)`: inserts a target with the foreign key and
    /// the association scope set, after unlinking the current one, in one
    /// transaction.
    pub async fn create<A>(
        &self,
        db: &DatabaseConnection,
        source_id: Id<S>,
        values: A,
        schema: Option<&SchemaName>,
    ) -> Result<Linked<S, T>, Error>
    where
        A: ActiveModelTrait<Entity = T> + Clone + Send,
        Id<S>: Clone + Debug,
        Id<T>: Clone + Debug,
    {
        retrying(|| self.create_once(db, source_id.clone(), values.clone(), schema)).await
    }

    async fn create_once<A>(
        &self,
        db: &DatabaseConnection,
        source_id: Id<S>,
        mut values: A,
        schema: Option<&SchemaName>,
    ) -> Result<Linked<S, T>, Error>
    where
        A: ActiveModelTrait<Entity = T> + Send,
        Id<S>: Clone + Debug,
        Id<T>: Clone + Debug,
    {
        let txn = begin_write(db).await?;
        let source = lock_source::<S, _>(&txn, source_id).await?;
        let key = self.linkable_key(&source)?;
        let current = self.current(&txn, &key, schema).await?;
        if let Some(current) = &current {
            self.unlink(&txn, current, &key, schema).await?;
        }
        values.set(self.foreign_key, key);
        for (col, value) in self.scope {
            values.set(*col, (*value).into());
        }
        let mut insert = T::insert(values);
        QueryTrait::query(&mut insert).into_table(table::<T>(schema));
        let id = insert.exec(&txn).await?.last_insert_id;
        let target = find_by_id::<T, _>(&txn, id, schema).await?;
        let previous = match current {
            Some(c) => Some(reload::<T, _>(&txn, &c, schema).await?),
            None => None,
        };
        txn.commit().await?;
        Ok(Linked {
            source,
            target: Some(target),
            previous,
        })
    }

    /// The target linked to `key`, whatever its model scopes, locked.
    async fn current<C: ConnectionTrait>(
        &self,
        db: &C,
        key: &Value,
        schema: Option<&SchemaName>,
    ) -> Result<Option<T::Model>, DbErr> {
        let mut query = T::find()
            .filter(condition(
                &self.lookup(),
                vec![key.clone()],
                &ScopeSet::unscoped(),
            ))
            .lock_exclusive();
        QueryTrait::query(&mut query)
            .from_clear()
            .from(table::<T>(schema));
        query.one(db).await
    }

    async fn unlink<C: ConnectionTrait>(
        &self,
        db: &C,
        target: &T::Model,
        key: &Value,
        schema: Option<&SchemaName>,
    ) -> Result<(), DbErr> {
        self.update(db, target, vec![(self.foreign_key, key.as_null())], schema)
            .await
    }

    async fn link<C: ConnectionTrait>(
        &self,
        db: &C,
        target: &T::Model,
        key: &Value,
        schema: Option<&SchemaName>,
    ) -> Result<(), DbErr> {
        let mut values = vec![(self.foreign_key, key.clone())];
        values.extend(self.scope.iter().map(|(c, v)| (*c, Value::from(*v))));
        self.update(db, target, values, schema).await
    }

    async fn update<C: ConnectionTrait>(
        &self,
        db: &C,
        target: &T::Model,
        values: Vec<(T::Column, Value)>,
        schema: Option<&SchemaName>,
    ) -> Result<(), DbErr> {
        let mut update = T::update_many().filter(pk_column::<T>().eq(pk_value::<T>(target)));
        for (col, value) in values {
            update = update.col_expr(col, Expr::value(value));
        }
        QueryTrait::query(&mut update).table(table::<T>(schema));
        update.exec(db).await.map(|_| ())
    }
}

/// How targets are found for a batch of values: the rows of `T` whose
/// `column` is one of the values, within the association `scope`. A has-one
/// looks up by its foreign key; a belongsTo inverse or a `node(id:)` by the
/// primary key ([`Lookup::primary_key`]).
#[derive(Debug)]
pub struct Lookup<T: EntityTrait> {
    /// Names the lookup; unique among the lookups of `T`.
    pub name: &'static str,
    pub column: T::Column,
    pub scope: &'static [(T::Column, ScopeValue)],
}

impl<T: EntityTrait> Clone for Lookup<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: EntityTrait> Copy for Lookup<T> {}

impl<T: EntityTrait> Lookup<T> {
    /// Rows of `T` by primary key.
    pub fn primary_key() -> Self {
        Lookup {
            name: "<primary key>",
            column: pk_column::<T>(),
            scope: &[],
        }
    }
}

impl<S: EntityTrait, T: Scoped> HasOne<S, T> {
    /// The target lookup of this association.
    pub fn lookup(&self) -> Lookup<T> {
        Lookup {
            name: self.name,
            column: self.foreign_key,
            scope: self.scope,
        }
    }

    /// The dataloader key for the target of `source`.
    pub fn key(
        &self,
        source: &S::Model,
        scopes: ScopeSet<T::Scope>,
        schema: Option<SchemaName>,
    ) -> Key<T> {
        Key::new(self.lookup(), self.key_of(source), scopes, schema)
    }
}

/// A request for the target of one value: the dataloader key.
pub struct Key<T: Scoped> {
    lookup: Lookup<T>,
    value: Value,
    scopes: ScopeSet<T::Scope>,
    schema: Option<SchemaName>,
    /// The hash of the fields above, computed once: a key is hashed about
    /// ten times on its way through a loader's maps and a batch.
    hash: u64,
}

/// Hashes keys: foldhash, several times faster than `HashMap`'s SipHash on
/// these short fields, seeded at random once per process.
static KEY_HASHER: LazyLock<RandomState> = LazyLock::new(RandomState::default);

impl<T: Scoped> Key<T> {
    pub fn new(
        lookup: Lookup<T>,
        value: Value,
        scopes: ScopeSet<T::Scope>,
        schema: Option<SchemaName>,
    ) -> Self {
        let hash = KEY_HASHER.hash_one((lookup.name, &scopes, schema.as_ref(), &value));
        Key {
            lookup,
            value,
            scopes,
            schema,
            hash,
        }
    }

    /// The schema the target is read from (`None`: the default one).
    pub fn schema(&self) -> Option<&SchemaName> {
        self.schema.as_ref()
    }

    /// The keys that one `SELECT` serves together.
    fn group(&self) -> (&'static str, &ScopeSet<T::Scope>, Option<&SchemaName>) {
        (self.lookup.name, &self.scopes, self.schema.as_ref())
    }
}

/// A `Hasher` for maps keyed by [`Key`]: passes the hash the key holds
/// through instead of hashing it again.
#[derive(Default)]
pub struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write_u64(&mut self, hash: u64) {
        self.0 = hash;
    }

    /// Not called for a `Key`; any other bytes are folded in.
    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*byte);
        }
    }
}

/// A map keyed by [`Key`], hashed by [`KeyHasher`].
pub type KeyMap<T, V> = HashMap<Key<T>, V, BuildHasherDefault<KeyHasher>>;

/// Only the lookup's name: the `dataloader` crate formats every key it
/// loads in a batch (the text of an error it drops when the load
/// succeeds), so this is on the hot path of every batch.
impl<T: Scoped> Debug for Key<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("key of ")?;
        f.write_str(self.lookup.name)
    }
}

impl<T: Scoped> Clone for Key<T> {
    fn clone(&self) -> Self {
        Key {
            lookup: self.lookup,
            value: self.value.clone(),
            scopes: self.scopes.clone(),
            schema: self.schema.clone(),
            hash: self.hash,
        }
    }
}

impl<T: Scoped> PartialEq for Key<T> {
    fn eq(&self, other: &Self) -> bool {
        self.hash == other.hash && self.group() == other.group() && self.value == other.value
    }
}

impl<T: Scoped> Eq for Key<T> {}

impl<T: Scoped> Hash for Key<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash);
    }
}

/// What one key resolves to: the target, `None` when there is none, or the
/// error of the statement that served its group.
pub type Loaded<T> = Result<Option<<T as EntityTrait>::Model>, Arc<DbErr>>;

/// The batched `getAssociation`: resolves every key, issuing one `SELECT`
/// per (lookup, scope set, schema) group, whatever the number of keys.
pub async fn load<T: Scoped, C: ConnectionTrait>(
    db: &C,
    keys: &[Key<T>],
) -> HashMap<Key<T>, Loaded<T>> {
    // Few groups (one per alias and schema), so a list beats hashing.
    let mut groups: Vec<Vec<&Key<T>>> = Vec::new();
    for key in keys {
        match groups.iter_mut().find(|g| g[0].group() == key.group()) {
            Some(group) => group.push(key),
            None => groups.push(vec![key]),
        }
    }
    // The groups' statements run at once, each on its own connection.
    let selects = groups.iter().map(|group| {
        let first = group[0];
        let values = group.iter().map(|k| k.value.clone()).collect();
        select(
            db,
            &first.lookup,
            values,
            &first.scopes,
            first.schema.as_ref(),
        )
    });
    let results = join_all(selects).await;
    let mut out = HashMap::with_capacity(keys.len());
    for (group, rows) in groups.into_iter().zip(results) {
        let first = group[0];
        match rows {
            Ok(rows) => {
                let mut by_value: HashMap<Value, T::Model> = HashMap::with_capacity(rows.len());
                for row in rows {
                    by_value.entry(row.get(first.lookup.column)).or_insert(row);
                }
                for key in group {
                    out.insert(key.clone(), Ok(by_value.get(&key.value).cloned()));
                }
            }
            Err(err) => {
                let err = Arc::new(err);
                for key in group {
                    out.insert(key.clone(), Err(err.clone()));
                }
            }
        }
    }
    out
}

fn condition<T: Scoped>(
    lookup: &Lookup<T>,
    values: Vec<Value>,
    scopes: &ScopeSet<T::Scope>,
) -> Condition {
    let mut cond = Condition::all().add(lookup.column.is_in(values));
    for (col, value) in lookup.scope {
        cond = cond.add(col.eq(Value::from(*value)));
    }
    for (col, value) in merge_scopes::<T>(scopes) {
        cond = cond.add(col.eq(Value::from(value)));
    }
    cond
}

/// One `SELECT` of the rows of `T` found by `lookup` for many values.
async fn select<T: Scoped, C: ConnectionTrait>(
    db: &C,
    lookup: &Lookup<T>,
    values: Vec<Value>,
    scopes: &ScopeSet<T::Scope>,
    schema: Option<&SchemaName>,
) -> Result<Vec<T::Model>, DbErr> {
    let mut query = T::find()
        .filter(condition(lookup, values, scopes))
        .order_by_asc(pk_column::<T>());
    QueryTrait::query(&mut query)
        .from_clear()
        .from(table::<T>(schema));
    query.all(db).await
}

/// The table of `E`, in `schema` when one is given (names come from the
/// allowlist only, never from raw input).
pub fn table<E: EntityTrait>(schema: Option<&SchemaName>) -> TableRef {
    let entity = E::default();
    match schema {
        Some(schema) => (Alias::new(schema.as_str()), Alias::new(entity.table_name())).into(),
        None => entity.table_ref(),
    }
}

/// The single primary key column of `E` (composite keys are not supported).
pub fn pk_column<E: EntityTrait>() -> E::Column {
    E::PrimaryKey::iter()
        .next()
        .map(|pk| pk.into_column())
        .expect("entity has a primary key")
}

fn pk_value<E: EntityTrait>(model: &E::Model) -> Value {
    model.get(pk_column::<E>())
}

/// How many times a mutation runs when it hits a deadlock, a serialization
/// failure or a busy database before it gives up with `CONFLICT`.
pub const ATTEMPTS: u32 = 8;

/// Runs a transaction again on transient failures, with a short growing,
/// jittered pause; after [`ATTEMPTS`] it reports a conflict.
async fn retrying<R, F, Fut>(mut run: F) -> Result<R, Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<R, Error>>,
{
    for attempt in 1..=ATTEMPTS {
        match run().await {
            Err(Error::Db(err)) if is_transient(&err) => {
                tracing::debug!(attempt, error = %err, "transient failure, retrying");
                // Jitter from the clock keeps colliding retries apart.
                let jitter = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| u64::from(d.subsec_nanos()) % 5);
                let pause = u64::from(attempt) * 2 + jitter;
                tokio::time::sleep(std::time::Duration::from_millis(pause)).await;
            }
            other => return other,
        }
    }
    Err(Error::Conflict(
        "the change kept colliding with concurrent changes; try again",
    ))
}

/// Begins a transaction that writes: `BEGIN IMMEDIATE` on SQLite, so that
/// concurrent writers queue on the busy timeout instead of failing to
/// upgrade a read lock.
pub async fn begin_write(db: &DatabaseConnection) -> Result<sea_orm::DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}

/// Reads the source row with `SELECT ... FOR UPDATE` (PostgreSQL, MySQL):
/// concurrent `set`/`create` calls on one source run one after another.
async fn lock_source<S: EntityTrait, C: ConnectionTrait>(
    db: &C,
    id: Id<S>,
) -> Result<S::Model, Error>
where
    Id<S>: Clone + Debug,
{
    S::find_by_id(id.clone())
        .lock_exclusive()
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found::<S>(&id))
}

/// Finds a row of `E` by id in `schema`, locked.
pub async fn find_by_id<E: EntityTrait, C: ConnectionTrait>(
    db: &C,
    id: Id<E>,
    schema: Option<&SchemaName>,
) -> Result<E::Model, Error>
where
    Id<E>: Clone + Debug,
{
    let mut query = E::find_by_id(id.clone()).lock_exclusive();
    QueryTrait::query(&mut query)
        .from_clear()
        .from(table::<E>(schema));
    query
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found::<E>(&id))
}

async fn reload<E: EntityTrait, C: ConnectionTrait>(
    db: &C,
    model: &E::Model,
    schema: Option<&SchemaName>,
) -> Result<E::Model, Error> {
    let pk = pk_value::<E>(model);
    let mut query = E::find().filter(pk_column::<E>().eq(pk.clone()));
    QueryTrait::query(&mut query)
        .from_clear()
        .from(table::<E>(schema));
    query
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found::<E>(&pk))
}

/// What an association does to its targets in a tenant schema when its
/// source is deleted or its source key changes, done by hasone itself where
/// the database cannot: SQLite's attached files cannot reference each
/// other, so tenant tables there have no foreign key to the source.
/// PostgreSQL and MariaDB enforce the same rules with real foreign keys.
#[async_trait::async_trait]
pub trait TenantCascade<S: EntityTrait>: Send + Sync {
    /// `ON DELETE`: unlinks (`SET NULL`) or deletes (`CASCADE`) the targets
    /// of `source` in `schema`.
    async fn source_deleted(
        &self,
        db: &DatabaseTransaction,
        source: &S::Model,
        schema: &SchemaName,
    ) -> Result<(), DbErr>;

    /// `ON UPDATE CASCADE`: moves the targets of `before` to the key of
    /// `after` when the source key changed.
    async fn source_key_changed(
        &self,
        db: &DatabaseTransaction,
        before: &S::Model,
        after: &S::Model,
        schema: &SchemaName,
    ) -> Result<(), DbErr>;
}

#[async_trait::async_trait]
impl<S, T> TenantCascade<S> for HasOne<S, T>
where
    S: EntityTrait<Model: Sync>,
    T: EntityTrait,
{
    async fn source_deleted(
        &self,
        db: &DatabaseTransaction,
        source: &S::Model,
        schema: &SchemaName,
    ) -> Result<(), DbErr> {
        let key = source.get(self.source_key);
        if key == key.as_null() {
            return Ok(());
        }
        match self.on_delete {
            OnDelete::SetNull => {
                let mut update = T::update_many()
                    .col_expr(self.foreign_key, Expr::value(key.as_null()))
                    .filter(self.foreign_key.eq(key));
                QueryTrait::query(&mut update).table(table::<T>(Some(schema)));
                update.exec(db).await?;
            }
            OnDelete::Cascade => {
                let mut delete = T::delete_many().filter(self.foreign_key.eq(key));
                QueryTrait::query(&mut delete).from_table(table::<T>(Some(schema)));
                delete.exec(db).await?;
            }
        }
        Ok(())
    }

    async fn source_key_changed(
        &self,
        db: &DatabaseTransaction,
        before: &S::Model,
        after: &S::Model,
        schema: &SchemaName,
    ) -> Result<(), DbErr> {
        let (old, new) = (before.get(self.source_key), after.get(self.source_key));
        if old == new || old == old.as_null() {
            return Ok(());
        }
        let mut update = T::update_many()
            .col_expr(self.foreign_key, Expr::value(new))
            .filter(self.foreign_key.eq(old));
        QueryTrait::query(&mut update).table(table::<T>(Some(schema)));
        update.exec(db).await.map(|_| ())
    }
}
