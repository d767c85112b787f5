//! The batched `getAssociation`: many keys, one `SELECT` per group.

use std::collections::HashMap;
use std::sync::Arc;

use futures_util::future::join_all;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbBackend, DbErr, EntityTrait, IdenStatic, ModelTrait,
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
    let backend = db.get_database_backend();
    let mut statements: Vec<Vec<Vec<&Key<T>>>> = Vec::new();
    for group in groups {
        match statements
            .iter_mut()
            .find(|s| shares_statement(backend, s[0][0], group[0]))
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
/// columns (whose values then tell the rows apart), on columns where the
/// database's `=` is Rust's `==` (see [`exact_in_rust`]).
fn shares_statement<T: EntityTrait>(backend: DbBackend, a: &Key<T>, b: &Key<T>) -> bool {
    let (la, lb) = (a.lookup(), b.lookup());
    !la.scope.is_empty()
        && la.column.as_str() == lb.column.as_str()
        && la.scope.len() == lb.scope.len()
        && la
            .scope
            .iter()
            .zip(lb.scope)
            .all(|((ca, _), (cb, _))| ca.as_str() == cb.as_str())
        && la.scope.iter().all(|(c, _)| exact_in_rust(backend, c))
        && a.conditions() == b.conditions()
        && a.schema() == b.schema()
}

/// Whether comparing `column`'s values in Rust finds exactly the rows the
/// database's `=` finds: integers and booleans everywhere; `VARCHAR` and
/// `TEXT` on PostgreSQL and SQLite (binary comparison by default). Not on
/// MariaDB/MySQL, whose default collations compare `'Billing'` equal to
/// `'billing'`, and not for native enums (read back as `Value::Enum`),
/// `CHAR(n)` (read back padded) or custom types (`citext`): their scoped
/// lookups keep a statement each.
fn exact_in_rust<C: ColumnTrait>(backend: DbBackend, column: &C) -> bool {
    use sea_orm::ColumnType as Ty;
    match column.def().get_column_type() {
        Ty::TinyInteger
        | Ty::SmallInteger
        | Ty::Integer
        | Ty::BigInteger
        | Ty::TinyUnsigned
        | Ty::SmallUnsigned
        | Ty::Unsigned
        | Ty::BigUnsigned
        | Ty::Boolean => true,
        Ty::String(_) | Ty::Text => matches!(backend, DbBackend::Postgres | DbBackend::Sqlite),
        _ => false,
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    mod row {
        use sea_orm::entity::prelude::*;

        #[derive(Clone, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
        #[sea_orm(rs_type = "String", db_type = "Enum", enum_name = "kind")]
        pub enum Kind {
            #[sea_orm(string_value = "a")]
            A,
        }

        #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
        #[sea_orm(table_name = "rows")]
        pub struct Model {
            #[sea_orm(primary_key)]
            pub id: i32,
            pub flag: bool,
            pub label: String,
            #[sea_orm(column_type = "Char(Some(4))")]
            pub code: String,
            pub kind: Kind,
        }

        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {}

        impl ActiveModelBehavior for ActiveModel {}
    }
    use row::Column;

    #[test]
    fn scopes_share_a_statement_only_where_rust_compares_as_the_database() {
        for backend in [DbBackend::Postgres, DbBackend::Sqlite, DbBackend::MySql] {
            assert!(exact_in_rust(backend, &Column::Id), "{backend:?}");
            assert!(exact_in_rust(backend, &Column::Flag), "{backend:?}");
            // Native enums read back as `Value::Enum`, `CHAR(n)` padded.
            assert!(!exact_in_rust(backend, &Column::Kind), "{backend:?}");
            assert!(!exact_in_rust(backend, &Column::Code), "{backend:?}");
        }
        assert!(exact_in_rust(DbBackend::Postgres, &Column::Label));
        assert!(exact_in_rust(DbBackend::Sqlite, &Column::Label));
        // MariaDB's default collations are case-insensitive.
        assert!(!exact_in_rust(DbBackend::MySql, &Column::Label));
    }
}
