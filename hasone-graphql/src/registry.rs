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

use std::any::TypeId;
use std::collections::HashMap;
use std::sync::Arc;

use hasone::{HasOne, Id, Scopes};
use indexmap::IndexMap;
use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ColumnTrait, EntityTrait, IdenStatic, IntoActiveModel,
    Iterable, PrimaryKeyTrait, Value,
};

use crate::assoc::{AssociationOps, HasOneOps};
use crate::ids::IdValue;
use crate::names::{camel, pascal};
use crate::ops::{EntityOps, Ops};
use crate::value::{ColumnKind, EnumSpec};

/// A check of a column's input value beyond its type; `Err` is the message
/// (after "field `name` ").
pub type Check = fn(&Value) -> Result<(), String>;

/// How an entity is exposed: its GraphQL type name and what describes and
/// checks its columns. Built with [`Exposed::new`] and the methods below.
pub struct Exposed<E: EntityTrait> {
    name: &'static str,
    description: Option<&'static str>,
    scopes: &'static Scopes<E>,
    columns: Vec<(E::Column, ColumnConfig)>,
    single: Option<&'static str>,
    list: Option<&'static str>,
    crud: bool,
}

#[derive(Default)]
struct ColumnConfig {
    description: Option<&'static str>,
    enumeration: Option<EnumSpec>,
    checks: Vec<Check>,
    min_chars: usize,
}

impl<E: EntityTrait> Exposed<E> {
    /// The entity as the GraphQL object type `name`, with `create*`,
    /// `update*` and `delete*` mutations and no query fields of its own
    /// (see [`Exposed::queries`]); its rows are reachable through
    /// associations and `node(id:)`.
    pub fn new(name: &'static str) -> Self {
        Exposed {
            name,
            description: None,
            scopes: &Scopes::NONE,
            columns: Vec::new(),
            single: None,
            list: None,
            crud: true,
        }
    }

    /// The type's description (default: the entity's `comment`, else a
    /// sentence naming its table).
    pub fn describe(mut self, description: &'static str) -> Self {
        self.description = Some(description);
        self
    }

    /// The model scopes of the entity as a target (`defaultScope`,
    /// `scopes`).
    pub fn scopes(mut self, scopes: &'static Scopes<E>) -> Self {
        self.scopes = scopes;
        self
    }

    fn column_config(&mut self, column: E::Column) -> &mut ColumnConfig {
        let at = match self
            .columns
            .iter()
            .position(|(c, _)| c.as_str() == column.as_str())
        {
            Some(at) => at,
            None => {
                self.columns.push((column, ColumnConfig::default()));
                self.columns.len() - 1
            }
        };
        &mut self.columns[at].1
    }

    /// The description of a column's field.
    pub fn column(mut self, column: E::Column, description: &'static str) -> Self {
        self.column_config(column).description = Some(description);
        self
    }

    /// A text column whose values are one of a list: a GraphQL enum.
    pub fn enumeration(mut self, column: E::Column, spec: EnumSpec) -> Self {
        self.column_config(column).enumeration = Some(spec);
        self
    }

    /// A check of the column's input values.
    pub fn check(mut self, column: E::Column, check: Check) -> Self {
        self.column_config(column).checks.push(check);
        self
    }

    /// Text input of the column must have at least `min` characters.
    pub fn min_chars(mut self, column: E::Column, min: usize) -> Self {
        self.column_config(column).min_chars = min;
        self
    }

    /// Query fields of its own: `single(id:)` and `list(first:, after:)`, a
    /// Relay connection in primary key order.
    pub fn queries(mut self, single: &'static str, list: &'static str) -> Self {
        self.single = Some(single);
        self.list = Some(list);
        self
    }

    /// No `create*`, `update*` or `delete*` mutations.
    pub fn without_crud(mut self) -> Self {
        self.crud = false;
        self
    }
}

/// The applications's exposed entities and associations. One per
/// application type, built once (see [`crate::App`]).
pub struct Registry {
    pub(crate) objects: Vec<ObjectSpec>,
    pub(crate) associations: Vec<AssocSpec>,
    by_entity: HashMap<TypeId, usize>,
    pub(crate) by_name: HashMap<String, usize>,
    pub(crate) tenancy: bool,
    /// Types the objects use besides themselves (scalars, enums, inputs).
    pub(crate) scalars: Vec<&'static str>,
}

impl Default for Registry {
    fn default() -> Self {
        Self::new()
    }
}

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
    ForeignKey(Vec<usize>),
    /// Assigned by the scope of these associations.
    Scope(Vec<usize>),
}

/// What a field of an object resolves.
#[derive(Clone, Copy, Debug)]
pub(crate) enum FieldSpec {
    Id,
    RowId,
    Column(usize),
    /// A foreign key holding the primary key of `source`: its global id.
    ForeignId {
        column: usize,
        source: usize,
    },
    HasOne(usize),
    Inverse(usize),
}

/// An exposed entity.
pub(crate) struct ObjectSpec {
    pub name: String,
    pub description: String,
    pub table: &'static str,
    pub ops: Box<dyn EntityOps>,
    pub columns: Vec<ColumnSpec>,
    pub pk: usize,
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
    pub lookup_columns: Vec<usize>,
}

impl ObjectSpec {
    pub fn scope_enum(&self) -> String {
        format!("{}Scope", self.name)
    }

    pub fn create_input(&self) -> String {
        format!("Create{}Input", self.name)
    }

    pub fn update_input(&self) -> String {
        format!("Update{}Input", self.name)
    }

    /// Columns a `create`/`update` input sets: not the auto-increment key,
    /// not a foreign key (links move with `set*`), not assigned by an
    /// association scope, writable.
    pub fn input_columns(&self) -> impl Iterator<Item = (usize, &ColumnSpec)> {
        self.columns.iter().enumerate().filter(|(_, c)| {
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
    pub fn scope_columns(&self) -> impl Iterator<Item = (usize, &ColumnSpec)> {
        self.columns
            .iter()
            .enumerate()
            .filter(|(_, c)| matches!(c.role, ColumnRole::Scope(_)))
    }
}

/// A registered association.
pub(crate) struct AssocSpec {
    /// The field on the source (`billingAddress`).
    pub field: String,
    pub source: usize,
    pub target: usize,
    /// The field on the target back to the source (`user`).
    pub inverse: String,
    pub ops: Box<dyn AssociationOps>,
    /// The target's foreign key column.
    pub foreign_key: usize,
}

impl AssocSpec {
    /// `SetUserBillingAddressPayload`.
    pub fn payload(&self, registry: &Registry, verb: &str) -> String {
        format!(
            "{verb}{}{}Payload",
            registry.objects[self.source].name,
            pascal(&self.field)
        )
    }

    /// `setUserBillingAddress`.
    pub fn mutation(&self, registry: &Registry, verb: &str) -> String {
        format!(
            "{verb}{}{}",
            registry.objects[self.source].name,
            pascal(&self.field)
        )
    }

    /// `userId`.
    pub fn source_arg(&self, registry: &Registry) -> String {
        format!("{}Id", camel(&registry.objects[self.source].name))
    }

    /// `billingAddressId`.
    pub fn target_arg(&self) -> String {
        format!("{}Id", self.field)
    }

    /// How changes name the association: `User.profile`.
    pub fn change_key(&self, registry: &Registry) -> String {
        format!("{}.{}", registry.objects[self.source].name, self.field)
    }

    /// `userProfileChanged`.
    pub fn subscription(&self, registry: &Registry) -> String {
        format!(
            "{}{}Changed",
            camel(&registry.objects[self.source].name),
            pascal(&self.field)
        )
    }

    /// `UserProfileChange`.
    pub fn change_type(&self, registry: &Registry) -> String {
        format!(
            "{}{}Change",
            registry.objects[self.source].name,
            pascal(&self.field)
        )
    }

    /// The payload's field for the source (`user`).
    pub fn source_field(&self, registry: &Registry) -> String {
        camel(&registry.objects[self.source].name)
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
        assert!(
            !self.by_entity.contains_key(&type_id),
            "entity `{}` is registered twice",
            E::default().table_name()
        );
        assert!(
            !self.by_name.contains_key(object.name),
            "two entities are exposed as the GraphQL type `{}`",
            object.name
        );
        let entity = E::default();
        let table = entity.table_name();
        let pk_column = hasone::pk_column::<E>();
        let auto_increment = <E::PrimaryKey as PrimaryKeyTrait>::auto_increment();
        let mut pk = 0;
        let mut columns = Vec::new();
        let mut config = object.columns;
        for (i, column) in E::Column::iter().enumerate() {
            let def = column.def();
            let at = config
                .iter()
                .position(|(c, _)| c.as_str() == column.as_str());
            let cfg = at.map(|at| config.swap_remove(at).1).unwrap_or_default();
            let kind = match cfg.enumeration {
                Some(spec) => ColumnKind::Enum(Arc::new(spec)),
                None => ColumnKind::of(def.get_column_type()),
            };
            let is_pk = column.as_str() == pk_column.as_str();
            if is_pk {
                pk = i;
            }
            let default_value = match def.get_column_default() {
                Some(sea_orm::sea_query::SimpleExpr::Value(v)) => Some(v.clone()),
                _ => None,
            };
            let default = def.get_column_default().and_then(|d| literal(d, &kind));
            columns.push(ColumnSpec {
                field: camel(column.as_str()),
                column: column.as_str(),
                description: cfg.description.map_or_else(
                    || format!("The `{}` column of `{table}`.", column.as_str()),
                    str::to_owned,
                ),
                described: cfg.description.is_some(),
                kind,
                nullable: def.is_null(),
                default,
                default_value,
                checks: cfg.checks,
                min_chars: cfg.min_chars,
                role: if is_pk {
                    ColumnRole::PrimaryKey { auto_increment }
                } else {
                    ColumnRole::Plain
                },
            });
        }
        let description = object
            .description
            .map(str::to_owned)
            .or_else(|| entity.comment().map(str::to_owned))
            .unwrap_or_else(|| format!("A row of `{table}`."));
        let index = self.objects.len();
        self.objects.push(ObjectSpec {
            name: object.name.to_owned(),
            description,
            table,
            ops: Box::new(Ops::<E>::new(object.scopes)),
            columns,
            pk,
            scopes: object
                .scopes
                .named
                .iter()
                .map(|s| (s.name, s.description))
                .collect(),
            default_scope: object.scopes.default_description,
            single: object.single,
            list: object.list,
            crud: object.crud,
            fields: IndexMap::new(),
            target: false,
            tenant: false,
            lookup_columns: vec![pk],
        });
        self.by_entity.insert(type_id, index);
        self.by_name.insert(object.name.to_owned(), index);
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
        let inverse = assoc
            .inverse
            .map_or_else(|| camel(&self.objects[source].name), str::to_owned);
        // A column that is not there is a declaration error: binding the
        // first column instead would move the wrong key.
        let missing = |object: &ObjectSpec, column: &str, role: &str| -> ! {
            panic!(
                "`{}.{}`: the {role} `{}.{column}` is not a column of `{}`",
                self.objects[source].name,
                camel(assoc.name),
                object.table,
                object.name,
            )
        };
        let foreign_key = self.objects[target]
            .columns
            .iter()
            .position(|c| c.column == assoc.foreign_key_name())
            .unwrap_or_else(|| {
                missing(
                    &self.objects[target],
                    assoc.foreign_key_name(),
                    "foreign key",
                )
            });
        let source_key = self.objects[source]
            .columns
            .iter()
            .find(|c| c.column == assoc.source_key.as_str())
            .unwrap_or_else(|| {
                missing(
                    &self.objects[source],
                    assoc.source_key.as_str(),
                    "source key",
                )
            });
        let fk = &self.objects[target].columns[foreign_key];
        assert!(
            same_key_type(&source_key.kind, &fk.kind),
            "`{}.{}`: the foreign key `{}.{}` ({:?}) cannot hold the source key `{}.{}` ({:?})",
            self.objects[source].name,
            camel(assoc.name),
            self.objects[target].table,
            fk.column,
            fk.kind,
            self.objects[source].table,
            source_key.column,
            source_key.kind,
        );
        let scopes = self.objects[target].ops.scopes_any();
        self.associations.push(AssocSpec {
            field: camel(assoc.name),
            source,
            target,
            inverse,
            ops: Box::new(HasOneOps::new(assoc, scopes)),
            foreign_key,
        });
        self.rebuild();
        self
    }

    fn index_of<E: EntityTrait>(&self) -> usize {
        match self.by_entity.get(&TypeId::of::<E>()) {
            Some(i) => *i,
            None => panic!(
                "entity `{}` is used by an association but not registered: call `entity` first",
                E::default().table_name()
            ),
        }
    }

    /// The object of a GraphQL type name.
    /// Recomputes what follows from the declarations: column roles, the
    /// fields of every object, the scalars in use.
    fn rebuild(&mut self) {
        for object in &mut self.objects {
            let pk = object.pk;
            for (i, column) in object.columns.iter_mut().enumerate() {
                if i == pk {
                    // A primary key that is also a foreign key (a shared-key
                    // one-to-one) takes the foreign key's role below; it
                    // is never generated by the database.
                    if !matches!(column.role, ColumnRole::PrimaryKey { .. }) {
                        column.role = ColumnRole::PrimaryKey {
                            auto_increment: false,
                        };
                    }
                } else {
                    column.role = ColumnRole::Plain;
                }
            }
            object.target = false;
            object.tenant = false;
        }
        for assoc in &self.associations {
            let key = assoc.ops.source_key_column();
            let source = &mut self.objects[assoc.source];
            if let Some(c) = source.columns.iter().position(|c| c.column == key)
                && !source.lookup_columns.contains(&c)
            {
                source.lookup_columns.push(c);
            }
        }
        for (a, assoc) in self.associations.iter().enumerate() {
            let scope_columns = assoc.ops.scope_columns();
            let target = &mut self.objects[assoc.target];
            target.target = true;
            target.tenant = self.tenancy;
            let fk = &mut target.columns[assoc.foreign_key];
            match &mut fk.role {
                ColumnRole::ForeignKey(list) => list.push(a),
                role => *role = ColumnRole::ForeignKey(vec![a]),
            }
            for name in scope_columns {
                if let Some(column) = target.columns.iter_mut().find(|c| c.column == name) {
                    match &mut column.role {
                        ColumnRole::Scope(list) => list.push(a),
                        ColumnRole::Plain => column.role = ColumnRole::Scope(vec![a]),
                        _ => {}
                    }
                }
            }
        }
        for o in 0..self.objects.len() {
            let mut fields = IndexMap::new();
            fields.insert("id".to_owned(), FieldSpec::Id);
            fields.insert("rowId".to_owned(), FieldSpec::RowId);
            for (c, column) in self.objects[o].columns.iter().enumerate() {
                // The primary key is `rowId`, and also a field of its own
                // name unless that is `id` (the global id).
                if matches!(column.role, ColumnRole::PrimaryKey { .. }) {
                    if column.field != "id" {
                        fields.insert(column.field.clone(), FieldSpec::Column(c));
                    }
                    continue;
                }
                let spec = match &column.role {
                    ColumnRole::ForeignKey(list) => {
                        let assoc = &self.associations[list[0]];
                        if assoc.ops.source_key_is_primary() {
                            FieldSpec::ForeignId {
                                column: c,
                                source: assoc.source,
                            }
                        } else {
                            FieldSpec::Column(c)
                        }
                    }
                    _ => FieldSpec::Column(c),
                };
                fields.insert(column.field.clone(), spec);
            }
            for (a, assoc) in self.associations.iter().enumerate() {
                if assoc.source == o {
                    let taken = fields.insert(assoc.field.clone(), FieldSpec::HasOne(a));
                    assert!(
                        taken.is_none(),
                        "`{}.{}` is declared twice (a column or another association has that name)",
                        self.objects[o].name,
                        assoc.field
                    );
                }
            }
            for (a, assoc) in self.associations.iter().enumerate() {
                if assoc.target != o {
                    continue;
                }
                match fields.get(&assoc.inverse) {
                    // Two associations of one source to one target through
                    // the same foreign key share their inverse.
                    Some(FieldSpec::Inverse(other))
                        if self.associations[*other].source == assoc.source
                            && self.associations[*other].foreign_key == assoc.foreign_key => {}
                    Some(_) => panic!(
                        "`{}.{}` (the inverse of `{}.{}`) is declared twice: give the association another `inverse`",
                        self.objects[o].name,
                        assoc.inverse,
                        self.objects[assoc.source].name,
                        assoc.field
                    ),
                    None => {
                        fields.insert(assoc.inverse.clone(), FieldSpec::Inverse(a));
                    }
                }
            }
            self.objects[o].fields = fields;
        }
        let mut scalars: Vec<&'static str> = Vec::new();
        for object in &self.objects {
            for column in &object.columns {
                if let Some((name, _, _)) = crate::value::custom_scalars()
                    .into_iter()
                    .find(|(n, _, _)| *n == column.kind.graphql_type())
                    && !scalars.contains(&name)
                {
                    scalars.push(name);
                }
            }
            if object.ops.id_scalar() == "UUID" && !scalars.contains(&"UUID") {
                scalars.push("UUID");
            }
        }
        self.scalars = scalars;
    }
}

/// The GraphQL literal of a column default, when it is a plain value of
/// the column's kind.
fn literal(default: &sea_orm::sea_query::SimpleExpr, kind: &ColumnKind) -> Option<String> {
    let sea_orm::sea_query::SimpleExpr::Value(value) = default else {
        return None;
    };
    let value = kind.to_graphql(value);
    (value != async_graphql::Value::Null).then(|| value.to_string())
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
