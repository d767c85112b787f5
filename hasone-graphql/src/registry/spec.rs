//! What the registry knows of each exposed entity ([`ObjectSpec`]), its
//! columns ([`ColumnSpec`]) and fields ([`FieldSpec`]), and of each
//! association ([`AssocSpec`]): everything the GraphQL side reads.

use std::ops::Index;

use indexmap::IndexMap;
use sea_orm::Value;

use super::Check;
use crate::assoc::AssociationOps;
use crate::model::ColumnId;
use crate::ops::EntityOps;
use crate::value::ColumnKind;

/// An exposed entity: its place among the registry's objects
/// (`registry[id]`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct ObjectId(pub usize);

/// A registered association: its place among the registry's associations
/// (`registry[id]`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct AssocId(pub usize);

/// A column of an object, as the API sees it.
pub(crate) struct ColumnSpec {
    /// The field name (camel case).
    pub field: String,
    /// The SQL column name.
    pub column: &'static str,
    pub kind: ColumnKind,
    pub nullable: bool,
    /// As declared (`Exposed::column`), else one made from the column.
    pub description: String,
    /// Whether `description` was declared.
    pub described: bool,
    /// The GraphQL literal of its default value, if the column has one.
    pub default: Option<String>,
    /// The default value itself, written when a new row omits the field.
    pub default_value: Option<Value>,
    pub checks: Vec<Check>,
    pub min_chars: usize,
    pub role: ColumnRole,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum ColumnRole {
    Plain,
    PrimaryKey {
        auto_increment: bool,
    },
    /// The foreign key of these associations (indices), on this target.
    ForeignKey(Vec<AssocId>),
    /// Assigned by the scope of these associations.
    Scope(Vec<AssocId>),
}

/// What a field of an object resolves.
#[derive(Clone, Copy, Debug)]
pub(crate) enum FieldSpec {
    Id,
    RowId,
    Column(ColumnId),
    /// A foreign key holding the primary key of `source`: its global id.
    ForeignId {
        column: ColumnId,
        source: ObjectId,
    },
    HasOne(AssocId),
    Inverse(AssocId),
}

/// An exposed entity.
pub(crate) struct ObjectSpec {
    pub name: String,
    pub description: String,
    pub table: &'static str,
    pub ops: Box<dyn EntityOps>,
    pub columns: Vec<ColumnSpec>,
    /// The primary key; `None` for an entity served without ids
    /// ([`Registry::read_only`](super::Registry::read_only)).
    pub pk: Option<ColumnId>,
    /// Named scopes (name, description) and what `DEFAULT` means.
    pub scopes: Vec<(&'static str, &'static str)>,
    pub default_scope: &'static str,
    pub single: Option<&'static str>,
    pub list: Option<&'static str>,
    pub crud: bool,
    /// Filled in by [`Registry::finish`].
    pub fields: IndexMap<String, FieldSpec>,
    /// Whether it is an association's target (it has model scopes, a
    /// create input, and its link moves with `set*`).
    pub target: bool,
    /// Whether its rows are also read from tenant schemas (a target, with
    /// [`Registry::tenancy`]).
    pub tenant: bool,
    /// The columns rows are looked up by: the primary key and the source
    /// keys of its associations (a page primes its rows under each).
    pub lookup_columns: Vec<ColumnId>,
}

impl Index<ColumnId> for ObjectSpec {
    type Output = ColumnSpec;

    fn index(&self, id: ColumnId) -> &ColumnSpec {
        &self.columns[id.0]
    }
}

impl ObjectSpec {
    /// Every column, with its id.
    pub fn each_column(&self) -> impl Iterator<Item = (ColumnId, &ColumnSpec)> {
        self.columns
            .iter()
            .enumerate()
            .map(|(i, c)| (ColumnId(i), c))
    }

    /// Columns a `create`/`update` input sets: not the auto-increment key,
    /// not a foreign key (links move with `set*`), not assigned by an
    /// association scope, writable.
    pub fn input_columns(&self) -> impl Iterator<Item = (ColumnId, &ColumnSpec)> {
        self.each_column().filter(|(_, c)| {
            c.kind.writable()
                && matches!(
                    c.role,
                    ColumnRole::Plain
                        | ColumnRole::PrimaryKey {
                            auto_increment: false
                        }
                )
        })
    }

    /// Columns an association scope assigns: arguments of `create*`.
    pub fn scope_columns(&self) -> impl Iterator<Item = (ColumnId, &ColumnSpec)> {
        self.each_column()
            .filter(|(_, c)| matches!(c.role, ColumnRole::Scope(_)))
    }
}

/// A registered association.
pub(crate) struct AssocSpec {
    /// The field on the source (`billingAddress`).
    pub field: String,
    pub source: ObjectId,
    pub target: ObjectId,
    /// The field on the target back to the source (`user`).
    pub inverse: String,
    pub ops: Box<dyn AssociationOps>,
    /// The target's foreign key column.
    pub foreign_key: ColumnId,
    /// The source's key column (the primary key unless declared).
    pub source_key: ColumnId,
    /// The target's columns the association scope assigns.
    pub scope_columns: Vec<ColumnId>,
}
