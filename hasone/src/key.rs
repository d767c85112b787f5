//! Dataloader keys: which rows of a target one read asks for.

use std::collections::HashMap;
use std::fmt::Debug;
use std::hash::{BuildHasher, BuildHasherDefault, Hash, Hasher};
use std::sync::LazyLock;

use foldhash::fast::RandomState;
use sea_orm::{EntityTrait, IdenStatic, Value};

use crate::scope::{Conditions, ScopeValue};
use crate::tenancy::SchemaName;

/// How rows of `T` are found for a batch of values: the rows whose `column`
/// is one of the values, within the association `scope`.
///
/// Its identity is (`source`, `name`): a has-one association's is its
/// source table and its name (so `Company.address` and `User.address`
/// never share entries or a statement); every other lookup (by primary
/// key, or by any column: the inverse `belongsTo`, `node(id:)`) has an
/// empty `source` and the column's name, and is shared by all who look up
/// by that column.
#[derive(Debug)]
pub struct Lookup<T: EntityTrait> {
    /// The source table of a has-one association; empty for every other
    /// lookup.
    pub source: &'static str,
    /// The association's name, or the looked-up column's.
    pub name: &'static str,
    /// The target column the key values are compared with.
    pub column: T::Column,
    /// The association `scope`: conditions every read adds.
    pub scope: &'static [(T::Column, ScopeValue)],
}

impl<T: EntityTrait> Clone for Lookup<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: EntityTrait> Copy for Lookup<T> {}

impl<T: EntityTrait> Lookup<T> {
    /// Rows of `T` by `column`, without a scope.
    pub fn by_column(column: T::Column) -> Self {
        Lookup {
            source: "",
            name: column.as_str(),
            column,
            scope: &[],
        }
    }

    /// Rows of `T` by primary key.
    pub fn primary_key() -> Self {
        Lookup::by_column(crate::table::pk_column::<T>())
    }

    fn identity(&self) -> (&'static str, &'static str) {
        (self.source, self.name)
    }
}

/// A key value in a form that compares equal across the types one column
/// may be read as: every integer is an `i64` (so an `i32` source key finds
/// an `i64` foreign key, and unsigned keys up to `i64::MAX` match signed
/// ones), a `char` is a string.
pub fn normalise(value: Value) -> Value {
    match value {
        Value::TinyInt(v) => Value::BigInt(v.map(i64::from)),
        Value::SmallInt(v) => Value::BigInt(v.map(i64::from)),
        Value::Int(v) => Value::BigInt(v.map(i64::from)),
        Value::TinyUnsigned(v) => Value::BigInt(v.map(i64::from)),
        Value::SmallUnsigned(v) => Value::BigInt(v.map(i64::from)),
        Value::Unsigned(v) => Value::BigInt(v.map(i64::from)),
        Value::BigUnsigned(Some(v)) if i64::try_from(v).is_ok() => {
            Value::BigInt(i64::try_from(v).ok())
        }
        Value::Char(v) => Value::String(v.map(String::from)),
        other => other,
    }
}

/// A request for the target of one value: the dataloader key.
pub struct Key<T: EntityTrait> {
    lookup: Lookup<T>,
    value: Value,
    conditions: Conditions<T>,
    schema: Option<SchemaName>,
    /// The hash of the fields above, computed once: a key is hashed about
    /// ten times on its way through a loader's maps and a batch.
    hash: u64,
}

/// Hashes keys: foldhash, several times faster than `HashMap`'s SipHash on
/// these short fields, seeded at random once per process.
static KEY_HASHER: LazyLock<RandomState> = LazyLock::new(RandomState::default);

impl<T: EntityTrait> Key<T> {
    /// The key of `value` (normalised here) found by `lookup`, read with
    /// `conditions` in `schema`.
    pub fn new(
        lookup: Lookup<T>,
        value: Value,
        conditions: Conditions<T>,
        schema: Option<SchemaName>,
    ) -> Self {
        let value = normalise(value);
        let hash = KEY_HASHER.hash_one((lookup.identity(), &conditions, schema.as_ref(), &value));
        Key {
            lookup,
            value,
            conditions,
            schema,
            hash,
        }
    }

    /// The schema the target is read from (`None`: the default one).
    pub fn schema(&self) -> Option<&SchemaName> {
        self.schema.as_ref()
    }

    /// The lookup the key belongs to.
    pub fn lookup(&self) -> &Lookup<T> {
        &self.lookup
    }

    /// The normalised key value.
    pub fn value(&self) -> &Value {
        &self.value
    }

    /// The merged model-scope conditions of the read.
    pub fn conditions(&self) -> &Conditions<T> {
        &self.conditions
    }

    /// Whether the value is `NULL`: such a key finds nothing, without a
    /// statement.
    pub fn is_null(&self) -> bool {
        self.value == self.value.as_null()
    }

    /// The keys one `SELECT` serves together.
    pub(crate) fn group(
        &self,
    ) -> (
        (&'static str, &'static str),
        &Conditions<T>,
        Option<&SchemaName>,
    ) {
        (
            self.lookup.identity(),
            &self.conditions,
            self.schema.as_ref(),
        )
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
impl<T: EntityTrait> Debug for Key<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("key of ")?;
        f.write_str(self.lookup.name)
    }
}

impl<T: EntityTrait> Clone for Key<T> {
    fn clone(&self) -> Self {
        Key {
            lookup: self.lookup,
            value: self.value.clone(),
            conditions: self.conditions.clone(),
            schema: self.schema.clone(),
            hash: self.hash,
        }
    }
}

impl<T: EntityTrait> PartialEq for Key<T> {
    fn eq(&self, other: &Self) -> bool {
        self.hash == other.hash && self.group() == other.group() && self.value == other.value
    }
}

impl<T: EntityTrait> Eq for Key<T> {}

impl<T: EntityTrait> Hash for Key<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_of_every_width_are_one_key_value() {
        let wide = normalise(Value::BigInt(Some(7)));
        for v in [
            Value::TinyInt(Some(7)),
            Value::SmallInt(Some(7)),
            Value::Int(Some(7)),
            Value::TinyUnsigned(Some(7)),
            Value::SmallUnsigned(Some(7)),
            Value::Unsigned(Some(7)),
            Value::BigUnsigned(Some(7)),
        ] {
            assert_eq!(normalise(v), wide);
        }
        assert_eq!(normalise(Value::Int(None)), Value::BigInt(None));
        // The largest of each width, as the database compares them.
        assert_eq!(
            normalise(Value::SmallUnsigned(Some(u16::MAX))),
            normalise(Value::Unsigned(Some(65_535)))
        );
        assert_eq!(
            normalise(Value::Unsigned(Some(u32::MAX))),
            Value::BigInt(Some(4_294_967_295))
        );
        assert_eq!(
            normalise(Value::BigUnsigned(Some(i64::MAX as u64))),
            Value::BigInt(Some(i64::MAX))
        );
        // Above `i64::MAX`: no signed value equals it, it stays unsigned.
        assert_eq!(
            normalise(Value::BigUnsigned(Some(u64::MAX))),
            Value::BigUnsigned(Some(u64::MAX))
        );
        assert_ne!(
            normalise(Value::BigUnsigned(Some(u64::MAX))),
            normalise(Value::BigInt(Some(-1)))
        );
        assert_eq!(
            normalise(Value::Char(Some('x'))),
            Value::String(Some("x".into()))
        );
    }
}
