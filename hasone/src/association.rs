//! The declaration: `Source.hasOne(Target, { as, sourceKey, foreignKey,
//! scope, onDelete })`.

use sea_orm::sea_query::ForeignKeyAction;
use sea_orm::{ColumnTrait, EntityTrait, IdenStatic};

use crate::key::Lookup;
use crate::scope::ScopeValue;

/// What deleting the source does to its target (Sequelize's `onDelete`);
/// the foreign key always follows a changed source key (`ON UPDATE
/// CASCADE`).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum OnDelete {
    /// The target stays, unlinked.
    SetNull,
    /// The target is deleted with its source.
    Cascade,
}

impl OnDelete {
    /// The foreign key action of this rule.
    pub fn action(self) -> ForeignKeyAction {
        match self {
            OnDelete::SetNull => ForeignKeyAction::SetNull,
            OnDelete::Cascade => ForeignKeyAction::Cascade,
        }
    }

    /// The SQL of this rule (`SET NULL`, `CASCADE`).
    pub fn sql(self) -> &'static str {
        match self {
            OnDelete::SetNull => "SET NULL",
            OnDelete::Cascade => "CASCADE",
        }
    }
}

/// One has-one association of source `S` to target `T`, declared once as a
/// `const` next to the source entity.
///
/// The foreign key lives on the target (`foreignKey`) and holds the value
/// of the source's `sourceKey` (its primary key unless said otherwise). The
/// association scope is always applied on read and assigned on `set` and
/// `create`. A `NOT NULL` foreign key is supported as Sequelize 7 does it:
/// the previous target cannot be unlinked, so `set` and `create` delete
/// it, and `set(null)` is refused unless [`HasOne::destroy_previous`] is
/// declared (then it deletes).
#[derive(Debug)]
pub struct HasOne<S: EntityTrait, T: EntityTrait> {
    /// The association's name (`as`): unique among `S`'s associations.
    pub name: &'static str,
    /// The source column whose value the foreign key holds (`sourceKey`).
    pub source_key: S::Column,
    /// The foreign key column on the target (`foreignKey`).
    pub foreign_key: T::Column,
    /// The association scope: always applied on read, assigned on link.
    pub scope: &'static [(T::Column, ScopeValue)],
    /// `onDelete`; `None`: `SET NULL` for a nullable foreign key, `CASCADE`
    /// for a `NOT NULL` one (Sequelize 7's defaults).
    pub on_delete: Option<OnDelete>,
    /// Delete the previous target instead of unlinking it (Sequelize 7's
    /// `destroyPrevious`); always the case for a `NOT NULL` foreign key.
    pub destroy_previous: bool,
    /// The name of the inverse `belongsTo` on the target (`inverse.as`);
    /// `None`: the source's name in camelCase, e.g. `user`.
    pub inverse: Option<&'static str>,
}

impl<S: EntityTrait, T: EntityTrait> HasOne<S, T> {
    /// `S.hasOne(T, { as: name, sourceKey: source_key, foreignKey: foreign_key })`.
    pub const fn new(name: &'static str, source_key: S::Column, foreign_key: T::Column) -> Self {
        HasOne {
            name,
            source_key,
            foreign_key,
            scope: &[],
            on_delete: None,
            destroy_previous: false,
            inverse: None,
        }
    }

    /// The association scope (`scope: { kind: 'billing' }`).
    pub const fn scope(self, scope: &'static [(T::Column, ScopeValue)]) -> Self {
        HasOne { scope, ..self }
    }

    /// `onDelete` (default: by the foreign key's nullability).
    pub const fn on_delete(self, on_delete: OnDelete) -> Self {
        HasOne {
            on_delete: Some(on_delete),
            ..self
        }
    }

    /// `destroyPrevious`: `set` and `create` delete the previous target
    /// instead of unlinking it, and `set(null)` deletes it.
    pub const fn destroy_previous(self) -> Self {
        HasOne {
            destroy_previous: true,
            ..self
        }
    }

    /// The name of the inverse `belongsTo` (`inverse: { as }`).
    pub const fn inverse(self, name: &'static str) -> Self {
        HasOne {
            inverse: Some(name),
            ..self
        }
    }

    /// The source's table: with [`HasOne::name`], the association's
    /// identity (two sources may use the same name).
    pub fn source_table(&self) -> &'static str {
        S::default().table_name()
    }

    /// Whether the foreign key column may be `NULL`.
    pub fn nullable(&self) -> bool {
        self.foreign_key.def().is_null()
    }

    /// `onDelete` as declared or by default.
    pub fn delete_rule(&self) -> OnDelete {
        self.on_delete.unwrap_or(if self.nullable() {
            OnDelete::SetNull
        } else {
            OnDelete::Cascade
        })
    }

    /// Whether the foreign key is the target's primary key (a shared-key
    /// one-to-one): a target belongs to its source for good, so `set`
    /// cannot move one to another source, and `create` replaces it.
    pub fn shares_primary_key(&self) -> bool {
        self.foreign_key.as_str() == crate::pk_column::<T>().as_str()
    }

    /// Whether `set` and `create` delete the previous target.
    pub fn destroys_previous(&self) -> bool {
        self.destroy_previous || !self.nullable()
    }

    /// How the targets of this association are found.
    pub fn lookup(&self) -> Lookup<T> {
        Lookup {
            source: self.source_table(),
            name: self.name,
            column: self.foreign_key,
            scope: self.scope,
        }
    }

    /// How the source of a target is found (the inverse `belongsTo`): by
    /// the source key, which is shared with every other lookup by that
    /// column (by primary key, most often).
    pub fn inverse_lookup(&self) -> Lookup<S> {
        Lookup::by_column(self.source_key)
    }

    /// The foreign key's column name, for messages and DDL.
    pub fn foreign_key_name(&self) -> &'static str {
        self.foreign_key.as_str()
    }
}
