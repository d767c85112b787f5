//! The batched `getAssociation`: many keys, one `SELECT` per group.

use std::collections::HashMap;
use std::sync::Arc;

use futures_util::future::join_all;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, ModelTrait, QueryFilter,
    QueryOrder, QueryTrait, Value,
};

use crate::key::{Key, Lookup, normalise};
use crate::scope::Conditions;
use crate::table::{pk_column, table};
use crate::tenancy::SchemaName;

/// What one key resolves to: the target, `None` when there is none, or the
/// error of the statement that served its group.
pub type Loaded<T> = Result<Option<<T as EntityTrait>::Model>, Arc<DbErr>>;

/// Resolves every key, issuing one `SELECT … WHERE column IN (…)` per
/// (lookup, conditions, schema) group whatever the number of keys; the
/// groups' statements run at once, each on its own pooled connection. A
/// failed statement fails its group's keys only. Keys whose value is
/// `NULL` find nothing without a statement.
pub async fn load<T: EntityTrait, C: ConnectionTrait>(
    db: &C,
    keys: &[Key<T>],
) -> HashMap<Key<T>, Loaded<T>> {
    let mut out = HashMap::with_capacity(keys.len());
    // Few groups (one per alias and schema), so a list beats hashing.
    let mut groups: Vec<Vec<&Key<T>>> = Vec::new();
    for key in keys {
        if key.is_null() {
            out.insert(key.clone(), Ok(None));
            continue;
        }
        match groups.iter_mut().find(|g| g[0].group() == key.group()) {
            Some(group) => group.push(key),
            None => groups.push(vec![key]),
        }
    }
    let selects = groups.iter().map(|group| {
        let first = group[0];
        let values = group.iter().map(|k| k.value().clone()).collect();
        select(
            db,
            first.lookup(),
            values,
            first.conditions(),
            first.schema(),
        )
    });
    let results = join_all(selects).await;
    for (group, rows) in groups.into_iter().zip(results) {
        let column = group[0].lookup().column;
        match rows {
            Ok(rows) => {
                let mut by_value: HashMap<Value, T::Model> = HashMap::with_capacity(rows.len());
                for row in rows {
                    by_value.entry(normalise(row.get(column))).or_insert(row);
                }
                for key in group {
                    out.insert(key.clone(), Ok(by_value.get(key.value()).cloned()));
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

/// The `WHERE` of a lookup for `values` with `conditions`.
pub(crate) fn condition<T: EntityTrait>(
    lookup: &Lookup<T>,
    values: Vec<Value>,
    conditions: &Conditions<T>,
) -> Condition {
    let mut cond = Condition::all().add(lookup.column.is_in(values));
    for (col, value) in lookup.scope {
        cond = cond.add(col.eq(Value::from(*value)));
    }
    for (col, value) in conditions.iter() {
        cond = cond.add(col.eq(Value::from(*value)));
    }
    cond
}

/// One `SELECT` of the rows of `T` found by `lookup` for many values, in
/// primary key order (so that ties resolve the same way every time).
async fn select<T: EntityTrait, C: ConnectionTrait>(
    db: &C,
    lookup: &Lookup<T>,
    values: Vec<Value>,
    conditions: &Conditions<T>,
    schema: Option<&SchemaName>,
) -> Result<Vec<T::Model>, DbErr> {
    let mut query = T::find()
        .filter(condition(lookup, values, conditions))
        .order_by_asc(pk_column::<T>());
    QueryTrait::query(&mut query)
        .from_clear()
        .from(table::<T>(schema));
    query.all(db).await
}
