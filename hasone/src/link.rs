//! `setAssociation` and `createAssociation`: moving the foreign key on the
//! target, in one transaction that locks the source first.

use std::fmt::Debug;

use sea_orm::sea_query::{Expr, IntoValueTuple};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, DbBackend, DbErr, EntityTrait, IntoActiveModel, ModelTrait, QueryFilter,
    QuerySelect, QueryTrait, Select, SqliteTransactionMode, TransactionOptions, TransactionTrait,
    Value,
};

use crate::association::HasOne;
use crate::error::{Error, is_transient};
use crate::key::normalise;
use crate::load::condition;
use crate::scope::Conditions;
use crate::table::{Id, find_by_id, pk_column, pk_value, reload, table};
use crate::tenancy::SchemaName;

/// The outcome of `set` or `create`.
#[derive(Clone, Debug)]
pub struct Linked<S: EntityTrait, T: EntityTrait> {
    /// The source row, as read in the transaction.
    pub source: S::Model,
    /// The target now linked (`None` after `set(null)`).
    pub target: Option<T::Model>,
    /// The target that was linked before: as it reads after being
    /// unlinked, or as it read before being deleted (see `destroyed`).
    pub previous: Option<T::Model>,
    /// Whether `previous` was deleted rather than unlinked (a `NOT NULL`
    /// foreign key, or `destroy_previous`).
    pub destroyed: bool,
    /// Whether anything was written: `false` when `set` found the target
    /// already linked.
    pub changed: bool,
    /// The target as it read before `set` linked it: whatever it was
    /// linked to then (another source, or another association on the same
    /// foreign key) lost it. `None` for `create` and `set(null)`.
    pub target_before: Option<T::Model>,
}

/// How many times a mutation runs when it hits a deadlock, a serialization
/// failure or a busy database before it gives up with `CONFLICT`.
pub const ATTEMPTS: u32 = 8;

/// Begins a transaction that writes: `BEGIN IMMEDIATE` on SQLite, so that
/// concurrent writers queue on the busy timeout instead of failing to
/// upgrade a read lock.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}

/// Runs a transaction again on transient failures (a deadlock, a
/// serialization failure, a busy database), with a short growing,
/// jittered pause; after [`ATTEMPTS`] it reports a conflict. `run` begins
/// and commits the transaction itself: [`HasOne::set`] is
/// `retrying(|| async { begin_write, set_in, commit })`.
pub async fn retrying<R, F, Fut>(mut run: F) -> Result<R, Error>
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

/// Reads the source row with `SELECT … FOR UPDATE` (PostgreSQL, MariaDB):
/// concurrent `set`/`create` calls on one source run one after another.
/// (SQLite serialises writers with `BEGIN IMMEDIATE`.)
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

/// Sets `column` of `model` to `value`, an integer converted to the width
/// the column's field has (a `u16` source key into a `u32` foreign key);
/// a value that fits no width the field takes is an error, not a panic.
fn set_integer<A: ActiveModelTrait>(
    model: &mut A,
    column: <A::Entity as EntityTrait>::Column,
    value: Value,
) -> Result<(), Error> {
    let Err(err) = model.try_set(column, value.clone()) else {
        return Ok(());
    };
    for candidate in integer_widths(&value) {
        if model.try_set(column, candidate).is_ok() {
            return Ok(());
        }
    }
    Err(err.into())
}

/// `value`, an integer or an integer `NULL`, as every integer variant that
/// holds it; nothing for any other value.
fn integer_widths(value: &Value) -> Vec<Value> {
    let n: Option<Option<i128>> = match value {
        Value::TinyInt(v) => Some(v.map(i128::from)),
        Value::SmallInt(v) => Some(v.map(i128::from)),
        Value::Int(v) => Some(v.map(i128::from)),
        Value::BigInt(v) => Some(v.map(i128::from)),
        Value::TinyUnsigned(v) => Some(v.map(i128::from)),
        Value::SmallUnsigned(v) => Some(v.map(i128::from)),
        Value::Unsigned(v) => Some(v.map(i128::from)),
        Value::BigUnsigned(v) => Some(v.map(i128::from)),
        _ => None,
    };
    let Some(n) = n else {
        return Vec::new();
    };
    macro_rules! widths {
        ($($ty:ty => $variant:ident),*) => {
            vec![$(match n {
                Some(n) => <$ty>::try_from(n).ok().map(|v| Value::$variant(Some(v))),
                None => Some(Value::$variant(None)),
            }),*]
        };
    }
    widths!(
        i8 => TinyInt, i16 => SmallInt, i32 => Int, i64 => BigInt,
        u8 => TinyUnsigned, u16 => SmallUnsigned, u32 => Unsigned, u64 => BigUnsigned
    )
    .into_iter()
    .flatten()
    .collect()
}

/// The rows of `T` in `schema` that meet `cond`, locked (`FOR UPDATE`
/// where the database has it).
fn locked<T: EntityTrait>(cond: Condition, schema: Option<&SchemaName>) -> Select<T> {
    let mut query = T::find().filter(cond).lock_exclusive();
    QueryTrait::query(&mut query)
        .from_clear()
        .from(table::<T>(schema));
    query
}

impl<S: EntityTrait, T: EntityTrait> HasOne<S, T>
where
    Id<S>: Clone + Debug,
    Id<T>: Clone + Debug,
{
    /// `getAssociation` for one source, unbatched (prefer [`crate::load`]).
    pub async fn get<C: ConnectionTrait>(
        &self,
        db: &C,
        source: &S::Model,
        conditions: &Conditions<T>,
        schema: Option<&SchemaName>,
    ) -> Result<Option<T::Model>, Error> {
        let key = crate::Key::new(
            self.lookup(),
            source.get(self.source_key),
            conditions.clone(),
            schema.cloned(),
        );
        let mut loaded = crate::load(db, std::slice::from_ref(&key)).await;
        match loaded.remove(&key) {
            Some(Ok(row)) => Ok(row),
            Some(Err(err)) => Err(Error::from(DbErr::clone(&err))),
            None => Ok(None),
        }
    }

    /// `setAssociation(target)` in a transaction of its own, run again on
    /// deadlocks and serialization failures: unlinks the current target
    /// (or deletes it: see [`HasOne::destroys_previous`]) and links
    /// `target` (FK := source key, association scope assigned). `None`
    /// only unlinks; the target already linked is a no-op.
    pub async fn set(
        &self,
        db: &DatabaseConnection,
        source_id: Id<S>,
        target_id: Option<Id<T>>,
        schema: Option<&SchemaName>,
    ) -> Result<Linked<S, T>, Error> {
        retrying(|| async {
            let txn = begin_write(db).await?;
            let linked = self
                .set_in(&txn, source_id.clone(), target_id.clone(), schema)
                .await?;
            txn.commit().await?;
            Ok(linked)
        })
        .await
    }

    /// [`HasOne::set`] within the caller's transaction (not retried: the
    /// caller decides). The source row is locked until it ends.
    pub async fn set_in(
        &self,
        txn: &DatabaseTransaction,
        source_id: Id<S>,
        target_id: Option<Id<T>>,
        schema: Option<&SchemaName>,
    ) -> Result<Linked<S, T>, Error> {
        let source = lock_source::<S, _>(txn, source_id).await?;
        let key = self.linkable_key(&source)?;
        let (target, current) = match target_id {
            Some(id) => {
                let (target, current) = self.target_and_current(txn, id, &key, schema).await?;
                (Some(target), current)
            }
            None => (None, self.current(txn, &key, schema).await?),
        };
        // The target linked again, or nothing unlinked: nothing to write.
        let already = match (&current, &target) {
            (Some(c), Some(t)) => pk_value::<T>(c) == pk_value::<T>(t),
            (None, None) => true,
            _ => false,
        };
        if already {
            return Ok(Linked {
                source,
                target,
                previous: None,
                destroyed: false,
                changed: false,
                target_before: None,
            });
        }
        if target.is_some() && self.shares_primary_key() {
            return Err(Error::BadInput(format!(
                "`{}` shares its primary key `{}` with its source: a target cannot move to another source; create one instead",
                self.name,
                self.foreign_key_name()
            )));
        }
        if target.is_none() && current.is_some() && !self.nullable() && !self.destroy_previous {
            return Err(Error::BadInput(format!(
                "`{}` cannot be unlinked: its foreign key `{}` is NOT NULL, so the target would be deleted; link another target instead, or declare `destroy_previous`",
                self.name,
                self.foreign_key_name()
            )));
        }
        let (previous, destroyed) = match current {
            Some(current) => self.release(txn, current, &key, schema).await?,
            None => (None, false),
        };
        let (target, target_before) = match target {
            Some(t) => (Some(self.link(txn, &t, &key, schema).await?), Some(t)),
            None => (None, None),
        };
        Ok(Linked {
            source,
            target,
            previous,
            destroyed,
            changed: true,
            target_before,
        })
    }

    /// `createAssociation(values)` in a transaction of its own, run again
    /// on transient failures: inserts a target with the foreign key and the
    /// association scope set, after unlinking (or deleting) the current
    /// one.
    pub async fn create<A>(
        &self,
        db: &DatabaseConnection,
        source_id: Id<S>,
        values: A,
        schema: Option<&SchemaName>,
    ) -> Result<Linked<S, T>, Error>
    where
        A: ActiveModelTrait<Entity = T> + Clone + Send,
        T::Model: IntoActiveModel<A>,
    {
        retrying(|| async {
            let txn = begin_write(db).await?;
            let linked = self
                .create_in(&txn, source_id.clone(), values.clone(), schema)
                .await?;
            txn.commit().await?;
            Ok(linked)
        })
        .await
    }

    /// [`HasOne::create`] within the caller's transaction (not retried).
    pub async fn create_in<A>(
        &self,
        txn: &DatabaseTransaction,
        source_id: Id<S>,
        mut values: A,
        schema: Option<&SchemaName>,
    ) -> Result<Linked<S, T>, Error>
    where
        A: ActiveModelTrait<Entity = T> + Send,
        T::Model: IntoActiveModel<A>,
    {
        let source = lock_source::<S, _>(txn, source_id).await?;
        let key = self.linkable_key(&source)?;
        let (previous, destroyed) = match self.current(txn, &key, schema).await? {
            Some(current) => self.release(txn, current, &key, schema).await?,
            None => (None, false),
        };
        set_integer(&mut values, self.foreign_key, key)?;
        for (col, value) in self.scope {
            set_integer(&mut values, *col, (*value).into())?;
        }
        let mut insert = T::insert(values);
        QueryTrait::query(&mut insert).into_table(table::<T>(schema));
        // `INSERT … RETURNING` where the database has it. Elsewhere
        // (MariaDB) the row is read back by id from the table it went to:
        // SeaORM's own fallback would read the entity's default table, not
        // the tenant schema's.
        let target = if txn.support_returning() {
            insert.exec_with_returning(txn).await?
        } else {
            let id = insert.exec(txn).await?.last_insert_id;
            find_by_id::<T, _>(txn, id, schema).await?
        };
        Ok(Linked {
            source,
            target: Some(target),
            previous,
            destroyed,
            changed: true,
            target_before: None,
        })
    }

    /// The source key of a source that can have a target: a null key (a
    /// nullable `sourceKey`) links nothing. Sequelize would write a null
    /// foreign key and then find orphans; this refuses.
    fn linkable_key(&self, source: &S::Model) -> Result<Value, Error> {
        let key = source.get(self.source_key);
        if key == key.as_null() {
            return Err(Error::Conflict(
                "the source's key is null, so nothing can be linked to it",
            ));
        }
        Ok(key)
    }

    /// The target linked to `source`, whatever its model scopes, locked
    /// until `txn` ends (what a delete of `source` reads first).
    pub async fn linked_in(
        &self,
        txn: &DatabaseTransaction,
        source: &S::Model,
        schema: Option<&SchemaName>,
    ) -> Result<Option<T::Model>, DbErr> {
        let key = source.get(self.source_key);
        if key == key.as_null() {
            return Ok(None);
        }
        self.current(txn, &key, schema).await
    }

    /// The target linked to `key`, whatever its model scopes, locked.
    async fn current<C: ConnectionTrait>(
        &self,
        db: &C,
        key: &Value,
        schema: Option<&SchemaName>,
    ) -> Result<Option<T::Model>, DbErr> {
        locked::<T>(self.current_condition(key), schema)
            .one(db)
            .await
    }

    /// What finds the target linked to `key`: the foreign key and the
    /// association scope, no model scope.
    fn current_condition(&self, key: &Value) -> Condition {
        condition(&self.lookup(), vec![key.clone()], &Conditions::none())
    }

    /// The target `id` and the target linked to `key` (the current one),
    /// both locked. PostgreSQL and SQLite read both in one statement; on
    /// MariaDB, where `WHERE pk = ? OR fk = ? FOR UPDATE` can lock every
    /// row it scans, they are two lookups by index.
    async fn target_and_current<C: ConnectionTrait>(
        &self,
        db: &C,
        id: Id<T>,
        key: &Value,
        schema: Option<&SchemaName>,
    ) -> Result<(T::Model, Option<T::Model>), Error> {
        if db.get_database_backend() == DbBackend::MySql {
            let Some(wanted) = id.clone().into_value_tuple().into_iter().next() else {
                return Err(Error::not_found::<T>(&id));
            };
            let target = locked::<T>(Condition::all().add(pk_column::<T>().eq(wanted)), schema)
                .one(db)
                .await?
                .ok_or_else(|| Error::not_found::<T>(&id))?;
            return Ok((target, self.current(db, key, schema).await?));
        }
        let Some(wanted) = id.clone().into_value_tuple().into_iter().next() else {
            return Err(Error::not_found::<T>(&id));
        };
        let either = Condition::any()
            .add(pk_column::<T>().eq(wanted.clone()))
            .add(self.current_condition(key));
        let rows = locked::<T>(either, schema).all(db).await?;
        let (targets, others): (Vec<_>, Vec<_>) = rows
            .into_iter()
            .partition(|row| normalise(pk_value::<T>(row)) == normalise(wanted.clone()));
        let target = targets
            .into_iter()
            .next()
            .ok_or_else(|| Error::not_found::<T>(&id))?;
        // Any other row matched the lookup. With none, the target is the
        // current one when it matches the lookup itself (the unique key
        // allows one row per source).
        let current = match others.into_iter().next() {
            Some(other) => Some(other),
            None if self.matches_lookup(&target, key) => Some(target.clone()),
            None => None,
        };
        Ok((target, current))
    }

    /// Whether `row` is what the lookup for `key` finds: its foreign key is
    /// `key` and it has the association scope's values.
    fn matches_lookup(&self, row: &T::Model, key: &Value) -> bool {
        normalise(row.get(self.foreign_key)) == normalise(key.clone())
            && self
                .scope
                .iter()
                .all(|(col, value)| normalise(row.get(*col)) == normalise(Value::from(*value)))
    }

    /// Unlinks the current target, or deletes it when the association
    /// destroys its previous target; returns it and whether it was deleted.
    async fn release<C: ConnectionTrait>(
        &self,
        db: &C,
        current: T::Model,
        key: &Value,
        schema: Option<&SchemaName>,
    ) -> Result<(Option<T::Model>, bool), Error> {
        if self.destroys_previous() {
            let mut delete = T::delete_many().filter(pk_column::<T>().eq(pk_value::<T>(&current)));
            QueryTrait::query(&mut delete).from_table(table::<T>(schema));
            delete.exec(db).await?;
            return Ok((Some(current), true));
        }
        let unlinked = self
            .update(
                db,
                &current,
                vec![(self.foreign_key, key.as_null())],
                schema,
            )
            .await?;
        Ok((Some(unlinked), false))
    }

    /// Links `target` to `key`, with the association scope; returns the row
    /// as it reads now.
    async fn link<C: ConnectionTrait>(
        &self,
        db: &C,
        target: &T::Model,
        key: &Value,
        schema: Option<&SchemaName>,
    ) -> Result<T::Model, Error> {
        let mut values = vec![(self.foreign_key, key.clone())];
        values.extend(self.scope.iter().map(|(c, v)| (*c, Value::from(*v))));
        self.update(db, target, values, schema).await
    }

    /// Sets `values` on `target` and returns the row as it reads now: one
    /// `UPDATE … RETURNING` where the database has it, an `UPDATE` and a
    /// `SELECT` where it has not (MariaDB).
    async fn update<C: ConnectionTrait>(
        &self,
        db: &C,
        target: &T::Model,
        values: Vec<(T::Column, Value)>,
        schema: Option<&SchemaName>,
    ) -> Result<T::Model, Error> {
        let pk = pk_value::<T>(target);
        let mut update = T::update_many().filter(pk_column::<T>().eq(pk.clone()));
        for (col, value) in values {
            update = update.col_expr(col, Expr::value(value));
        }
        QueryTrait::query(&mut update).table(table::<T>(schema));
        if !db.support_returning() {
            update.exec(db).await?;
            return reload::<T, _>(db, target, schema).await;
        }
        update
            .exec_with_returning(db)
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| Error::not_found::<T>(&pk))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_keys_are_offered_in_every_width_that_holds_them() {
        assert_eq!(
            integer_widths(&Value::SmallUnsigned(Some(65_535))),
            [
                Value::Int(Some(65_535)),
                Value::BigInt(Some(65_535)),
                Value::SmallUnsigned(Some(65_535)),
                Value::Unsigned(Some(65_535)),
                Value::BigUnsigned(Some(65_535)),
            ]
        );
        assert_eq!(
            integer_widths(&Value::SmallInt(Some(-1))),
            [
                Value::TinyInt(Some(-1)),
                Value::SmallInt(Some(-1)),
                Value::Int(Some(-1)),
                Value::BigInt(Some(-1)),
            ]
        );
        assert_eq!(integer_widths(&Value::Int(None)).len(), 8);
        assert!(integer_widths(&Value::String(Some("1".into()))).is_empty());
    }
}
