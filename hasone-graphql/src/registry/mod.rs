//! The registry: the entities an application exposes and its has-one
//! associations, from which every GraphQL type, field, mutation, loader
//! key and prefetch path follows.
//!
//! ```ignore
//! let mut registry = Registry::new();
//! registry
//!     .entity(Exposed::<company::Entity>::new("Company").queries("company", "companies"))
//!     .entity(Exposed::<ceo::Entity>::new("Ceo"))
//!     .has_one(&company::CEO);
//! ```
//!
//! Here the [`Registry`] and its declarations; [`Exposed`] (exposed.rs)
//! declares one entity; spec.rs holds what the registry knows of each
//! object, column and association, naming.rs the names the schema gives
//! them, and derive.rs what follows from the declarations.

mod derive;
mod exposed;
mod naming;
mod spec;

use std::any::TypeId;
use std::collections::HashMap;
use std::ops::Index;

use hasone::{HasOne, Id};
use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, EntityTrait, IdenStatic, IntoActiveModel,
    PrimaryKeyTrait,
};

pub use exposed::{Check, Exposed};
pub(crate) use spec::{
    AssocId, AssocSpec, ColumnRole, ColumnSpec, FieldSpec, ObjectId, ObjectSpec,
};

use crate::assoc::HasOneOps;
use crate::ids::IdValue;
use crate::keyless::KeylessOps;
use crate::model::ColumnId;
use crate::names::camel;
use crate::ops::Ops;
use crate::value::ColumnKind;

/// The applications's exposed entities and associations. One per
/// application type, built once (see [`crate::App`]).
pub struct Registry {
    pub(crate) objects: Vec<ObjectSpec>,
    pub(crate) associations: Vec<AssocSpec>,
    by_entity: HashMap<TypeId, ObjectId>,
    pub(crate) by_name: HashMap<String, ObjectId>,
    pub(crate) tenancy: bool,
    /// Types the objects use besides themselves (scalars, enums, inputs).
    pub(crate) scalars: Vec<&'static str>,
}

impl Index<ObjectId> for Registry {
    type Output = ObjectSpec;

    fn index(&self, id: ObjectId) -> &ObjectSpec {
        &self.objects[id.0]
    }
}

impl Index<AssocId> for Registry {
    type Output = AssocSpec;

    fn index(&self, id: AssocId) -> &AssocSpec {
        &self.associations[id.0]
    }
}

impl Registry {
    /// Every object, with its id.
    pub(crate) fn each_object(&self) -> impl Iterator<Item = (ObjectId, &ObjectSpec)> {
        self.objects
            .iter()
            .enumerate()
            .map(|(i, o)| (ObjectId(i), o))
    }

    /// Every association, with its id.
    pub(crate) fn each_association(&self) -> impl Iterator<Item = (AssocId, &AssocSpec)> {
        self.associations
            .iter()
            .enumerate()
            .map(|(i, a)| (AssocId(i), a))
    }
}

impl Default for Registry {
    fn default() -> Self {
        Self::new()
    }
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Self {
        Registry {
            objects: Vec::new(),
            associations: Vec::new(),
            by_entity: HashMap::new(),
            by_name: HashMap::new(),
            tenancy: false,
            scalars: Vec::new(),
        }
    }

    /// Reads and writes of targets take a `schema` argument (Sequelize's
    /// `schema` option), checked against the allowlist at run time.
    pub fn tenancy(&mut self) -> &mut Self {
        self.tenancy = true;
        self.rebuild();
        self
    }

    /// Exposes an entity.
    ///
    /// # Panics
    /// When the entity or its type name is registered twice.
    pub fn entity<E>(&mut self, object: Exposed<E>) -> &mut Self
    where
        E: EntityTrait,
        E::Model: Sync + IntoActiveModel<E::ActiveModel>,
        E::ActiveModel: ActiveModelBehavior
            + ActiveModelTrait<Entity = E>
            + sea_orm::TryIntoModel<E::Model>
            + Send
            + Sync,
        Id<E>: IdValue,
    {
        let type_id = TypeId::of::<E>();
        self.check_new(type_id, object.name, E::default().table_name());
        let pk_column = hasone::pk_column::<E>();
        let auto_increment = <E::PrimaryKey as PrimaryKeyTrait>::auto_increment();
        let scopes = object.scopes;
        let spec = object.into_spec(Some((pk_column.as_str(), auto_increment)), |_| {
            Box::new(Ops::<E>::new(scopes))
        });
        self.push(type_id, spec)
    }

    /// Exposes an entity read-only and without ids: a table without a
    /// primary key, one whose key has several columns, or a view. Its type
    /// has its columns' fields only (no `id`, `rowId`, and it is no
    /// `Node`); its one query field is the list [`Exposed::list`] names,
    /// a connection in the order of its primary key's columns then the
    /// others, whose cursors are offsets (rows written meanwhile shift
    /// them). It has no CRUD and cannot be in an association.
    ///
    /// # Panics
    /// When the entity or its type name is registered twice, or the
    /// declaration names a single-row query field ([`Exposed::queries`]).
    pub fn read_only<E>(&mut self, object: Exposed<E>) -> &mut Self
    where
        E: EntityTrait,
        E::Model: Sync,
    {
        let type_id = TypeId::of::<E>();
        self.check_new(type_id, object.name, E::default().table_name());
        assert!(
            object.single.is_none(),
            "`{}` is read-only: it has no single-row query field (declare its list with `Exposed::list`)",
            object.name
        );
        let name = object.name;
        let spec = object.without_crud().into_spec(None, |columns| {
            Box::new(KeylessOps::<E>::new(name, |i| {
                columns.get(i).is_some_and(|c| c.kind.orderable())
            }))
        });
        self.push(type_id, spec)
    }

    fn check_new(&self, type_id: TypeId, name: &str, table: &str) {
        assert!(
            !self.by_entity.contains_key(&type_id),
            "entity `{table}` is registered twice"
        );
        assert!(
            !self.by_name.contains_key(name),
            "two entities are exposed as the GraphQL type `{name}`"
        );
    }

    fn push(&mut self, type_id: TypeId, spec: ObjectSpec) -> &mut Self {
        let index = ObjectId(self.objects.len());
        self.by_name.insert(spec.name.clone(), index);
        self.objects.push(spec);
        self.by_entity.insert(type_id, index);
        self.rebuild();
        self
    }

    /// Declares a has-one association between two registered entities.
    ///
    /// # Panics
    /// When either entity is not registered, a field name is taken, the
    /// source key or the foreign key is not a column of its entity, or the
    /// foreign key cannot hold the source key (a `UUID` key into an
    /// integer column).
    pub fn has_one<S, T>(&mut self, assoc: &'static HasOne<S, T>) -> &mut Self
    where
        S: EntityTrait,
        T: EntityTrait,
        S::Model: Sync + IntoActiveModel<S::ActiveModel>,
        T::Model: Sync + IntoActiveModel<T::ActiveModel>,
        S::ActiveModel: ActiveModelBehavior + ActiveModelTrait<Entity = S> + Send + Sync,
        T::ActiveModel: ActiveModelBehavior + ActiveModelTrait<Entity = T> + Send + Sync,
        Id<S>: IdValue,
        Id<T>: IdValue,
    {
        let source = self.index_of::<S>();
        let target = self.index_of::<T>();
        for end in [source, target] {
            assert!(
                self[end].pk.is_some(),
                "`{}.{}`: `{}` is registered read-only (without ids) and cannot be in an association",
                self[source].name,
                camel(assoc.name),
                self[end].name
            );
        }
        let inverse = assoc
            .inverse
            .map_or_else(|| camel(&self[source].name), str::to_owned);
        // A column that is not there is a declaration error: binding the
        // first column instead would move the wrong key.
        let missing = |object: &ObjectSpec, column: &str, role: &str| -> ! {
            panic!(
                "`{}.{}`: the {role} `{}.{column}` is not a column of `{}`",
                self[source].name,
                camel(assoc.name),
                object.table,
                object.name,
            )
        };
        let foreign_key = self[target]
            .columns
            .iter()
            .position(|c| c.column == assoc.foreign_key_name())
            .map(ColumnId)
            .unwrap_or_else(|| missing(&self[target], assoc.foreign_key_name(), "foreign key"));
        let source_key_id = self[source]
            .columns
            .iter()
            .position(|c| c.column == assoc.source_key.as_str())
            .map(ColumnId)
            .unwrap_or_else(|| missing(&self[source], assoc.source_key.as_str(), "source key"));
        let scope_columns = assoc
            .scope
            .iter()
            .map(|(column, _)| {
                self[target]
                    .columns
                    .iter()
                    .position(|c| c.column == column.as_str())
                    .map(ColumnId)
                    .unwrap_or_else(|| missing(&self[target], column.as_str(), "scope column"))
            })
            .collect();
        let (source_key, fk) = (&self[source][source_key_id], &self[target][foreign_key]);
        assert!(
            same_key_type(&source_key.kind, &fk.kind),
            "`{}.{}`: the foreign key `{}.{}` ({:?}) cannot hold the source key `{}.{}` ({:?})",
            self[source].name,
            camel(assoc.name),
            self[target].table,
            fk.column,
            fk.kind,
            self[source].table,
            source_key.column,
            source_key.kind,
        );
        let scopes = self[target].ops.scopes_any();
        self.associations.push(AssocSpec {
            field: camel(assoc.name),
            source,
            target,
            inverse,
            ops: Box::new(HasOneOps::new(assoc, scopes)),
            foreign_key,
            source_key: source_key_id,
            scope_columns,
        });
        self.rebuild();
        self
    }

    fn index_of<E: EntityTrait>(&self) -> ObjectId {
        match self.by_entity.get(&TypeId::of::<E>()) {
            Some(i) => *i,
            None => panic!(
                "entity `{}` is used by an association but not registered: call `entity` first",
                E::default().table_name()
            ),
        }
    }
}

/// Whether a foreign key of kind `fk` can hold source keys of kind `key`:
/// integers of any width (keys are compared as `i64`), text of any length,
/// otherwise the same kind.
fn same_key_type(key: &ColumnKind, fk: &ColumnKind) -> bool {
    match (key, fk) {
        (ColumnKind::Int(_), ColumnKind::Int(_)) | (ColumnKind::Text(_), ColumnKind::Text(_)) => {
            true
        }
        _ => std::mem::discriminant(key) == std::mem::discriminant(fk),
    }
}

#[cfg(test)]
mod tests {
    use hasone::HasOne;

    use super::*;

    mod shop {
        use sea_orm::entity::prelude::*;

        #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
        #[sea_orm(table_name = "shops")]
        pub struct Model {
            #[sea_orm(primary_key, auto_increment = false)]
            pub id: Uuid,
            pub code: String,
        }

        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {}

        impl ActiveModelBehavior for ActiveModel {}
    }

    mod manager {
        use sea_orm::entity::prelude::*;

        #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
        #[sea_orm(table_name = "managers")]
        pub struct Model {
            #[sea_orm(primary_key)]
            pub id: i64,
            pub shop_id: Option<i32>,
            pub shop_code: Option<String>,
        }

        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {}

        impl ActiveModelBehavior for ActiveModel {}
    }

    const BY_CODE: HasOne<shop::Entity, manager::Entity> =
        HasOne::new("manager", shop::Column::Code, manager::Column::ShopCode);
    const BY_UUID_INTO_INT: HasOne<shop::Entity, manager::Entity> =
        HasOne::new("manager", shop::Column::Id, manager::Column::ShopId);

    fn registry() -> Registry {
        let mut registry = Registry::new();
        registry
            .entity(Exposed::<shop::Entity>::new("Shop"))
            .entity(Exposed::<manager::Entity>::new("Manager"));
        registry
    }

    #[test]
    fn a_foreign_key_of_the_source_keys_type_is_accepted() {
        registry().has_one(&BY_CODE);
    }

    #[test]
    #[should_panic(expected = "`Shop.manager`: the foreign key `managers.shop_id`")]
    fn a_foreign_key_that_cannot_hold_the_source_key_is_refused_at_startup() {
        registry().has_one(&BY_UUID_INTO_INT);
    }

    #[test]
    fn integer_keys_of_any_width_match() {
        use sea_orm::ColumnType;
        assert!(same_key_type(
            &ColumnKind::Int(ColumnType::Integer),
            &ColumnKind::Int(ColumnType::BigInteger)
        ));
        assert!(!same_key_type(&ColumnKind::Uuid, &ColumnKind::Text(None)));
    }
}
