//! The batched `getAssociation`: many keys, one `SELECT` per group.

use std::collections::HashMap;
use std::sync::Arc;

use futures_util::future::join_all;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, IdenStatic, ModelTrait,
    QueryFilter, QueryOrder, QueryTrait, Value,
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
/// statements run at once, each on its own pooled connection. Groups that
/// differ only in the values of their association scope (the billing and
/// the shipping address of a user: `kind = 'billing'` / `'shipping'` on one
/// column) share one statement (`… AND (kind = 'billing' OR kind =
/// 'shipping')`), and each group takes the rows that match its own scope. A
/// failed statement fails its keys only. Keys whose value is `NULL` find
/// nothing without a statement.
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
    let mut statements: Vec<Vec<Vec<&Key<T>>>> = Vec::new();
    for group in groups {
        match statements
            .iter_mut()
            .find(|s| shares_statement(s[0][0], group[0]))
        {
            Some(statement) => statement.push(group),
            None => statements.push(vec![group]),
        }
    }
    let selects = statements.iter().map(|groups| {
        let first = groups[0][0];
        let lookups: Vec<Lookup<T>> = groups.iter().map(|g| *g[0].lookup()).collect();
        // A group's keys are distinct; groups sharing a statement may
        // share values (a user with both addresses).
        let values: Vec<Value> = match groups.as_slice() {
            [group] => group.iter().map(|k| k.value().clone()).collect(),
            _ => {
                let mut seen = std::collections::HashSet::new();
                groups
                    .iter()
                    .flatten()
                    .map(|k| k.value())
                    .filter(|v| seen.insert(*v))
                    .cloned()
                    .collect()
            }
        };
        select(db, lookups, values, first.conditions(), first.schema())
    });
    let results = join_all(selects).await;
    for (groups, rows) in statements.into_iter().zip(results) {
        let rows = match rows {
            Ok(rows) => rows,
            Err(err) => {
                let err = Arc::new(err);
                for key in groups.into_iter().flatten() {
                    out.insert(key.clone(), Err(err.clone()));
                }
                continue;
            }
        };
        let shared = groups.len() > 1;
        for group in groups {
            let lookup = group[0].lookup();
            let mut by_value: HashMap<Value, &T::Model> = HashMap::with_capacity(rows.len());
            for row in &rows {
                if !shared || in_scope(lookup, row) {
                    by_value
                        .entry(normalise(row.get(lookup.column)))
                        .or_insert(row);
                }
            }
            for key in group {
                let found = by_value.get(key.value()).map(|row| (*row).clone());
                out.insert(key.clone(), Ok(found));
            }
        }
    }
    out
}

/// Whether two groups' keys can be read by one statement: the same lookup
/// column, conditions and schema, and association scopes on the same
/// columns (whose values then tell the rows apart).
fn shares_statement<T: EntityTrait>(a: &Key<T>, b: &Key<T>) -> bool {
    let (la, lb) = (a.lookup(), b.lookup());
    !la.scope.is_empty()
        && la.column.as_str() == lb.column.as_str()
        && la.scope.len() == lb.scope.len()
        && la
            .scope
            .iter()
            .zip(lb.scope)
            .all(|((ca, _), (cb, _))| ca.as_str() == cb.as_str())
        && a.conditions() == b.conditions()
        && a.schema() == b.schema()
}

/// Whether `row` has the values of `lookup`'s association scope.
fn in_scope<T: EntityTrait>(lookup: &Lookup<T>, row: &T::Model) -> bool {
    lookup
        .scope
        .iter()
        .all(|(column, value)| normalise(row.get(*column)) == normalise(Value::from(*value)))
}

pub(crate) fn condition<T: EntityTrait>(
    lookup: &Lookup<T>,
    values: Vec<Value>,
    conditions: &Conditions<T>,
) -> Condition {
    shared_condition(&[*lookup], values, conditions)
}

/// The condition of one statement serving `lookups` (the same column; one
/// lookup, or several whose scopes differ in their values only): the column
/// in `values`, one of the lookups' scopes, and the conditions.
fn shared_condition<T: EntityTrait>(
    lookups: &[Lookup<T>],
    values: Vec<Value>,
    conditions: &Conditions<T>,
) -> Condition {
    let scope = |lookup: &Lookup<T>| {
        lookup
            .scope
            .iter()
            .fold(Condition::all(), |cond, (col, value)| {
                cond.add(col.eq(Value::from(*value)))
            })
    };
    let mut cond = Condition::all();
    if let Some(first) = lookups.first() {
        cond = cond.add(first.column.is_in(values));
    }
    cond = match lookups {
        [one] => one.scope.iter().fold(cond, |cond, (col, value)| {
            cond.add(col.eq(Value::from(*value)))
        }),
        several => cond.add(
            several
                .iter()
                .fold(Condition::any(), |any, lookup| any.add(scope(lookup))),
        ),
    };
    for (col, value) in conditions.iter() {
        cond = cond.add(col.eq(Value::from(*value)));
    }
    cond
}

/// One `SELECT` of the rows of `T` found by `lookups` for many values, in
/// primary key order (so that ties resolve the same way every time).
async fn select<T: EntityTrait, C: ConnectionTrait>(
    db: &C,
    lookups: Vec<Lookup<T>>,
    values: Vec<Value>,
    conditions: &Conditions<T>,
    schema: Option<&SchemaName>,
) -> Result<Vec<T::Model>, DbErr> {
    let mut query = T::find()
        .filter(shared_condition(&lookups, values, conditions))
        .order_by_asc(pk_column::<T>());
    QueryTrait::query(&mut query)
        .from_clear()
        .from(table::<T>(schema));
    query.all(db).await
}
