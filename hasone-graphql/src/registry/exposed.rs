//! [`Exposed`]: how an application declares one entity, its GraphQL type
//! name and what describes and checks its columns.

use std::sync::Arc;

use hasone::Scopes;
use indexmap::IndexMap;
use sea_orm::{ColumnTrait, EntityTrait, IdenStatic, Iterable, Value};

use super::spec::{ColumnRole, ColumnSpec, ObjectSpec};
use crate::model::ColumnId;
use crate::names::camel;
use crate::ops::EntityOps;
use crate::value::{ColumnKind, EnumSpec};

/// A check of a column's input value beyond its type; `Err` is the message
/// (after "field `name` ").
pub type Check = fn(&Value) -> Result<(), String>;

/// How an entity is exposed: its GraphQL type name and what describes and
/// checks its columns. Built with [`Exposed::new`] and the methods below.
pub struct Exposed<E: EntityTrait> {
    pub(super) name: &'static str,
    pub(super) description: Option<&'static str>,
    pub(super) scopes: &'static Scopes<E>,
    pub(super) columns: Vec<(E::Column, ColumnConfig)>,
    pub(super) single: Option<&'static str>,
    pub(super) list: Option<&'static str>,
    pub(super) crud: bool,
}

/// What [`Exposed`]'s methods declare of one column.
#[derive(Default)]
pub(super) struct ColumnConfig {
    pub description: Option<&'static str>,
    pub enumeration: Option<EnumSpec>,
    pub checks: Vec<Check>,
    pub min_chars: usize,
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

    /// A list query field only, `list(first:, after:)`: what an entity
    /// registered with [`Registry::read_only`](super::Registry::read_only)
    /// is queried by.
    pub fn list(mut self, list: &'static str) -> Self {
        self.list = Some(list);
        self
    }

    /// No `create*`, `update*` or `delete*` mutations.
    pub fn without_crud(mut self) -> Self {
        self.crud = false;
        self
    }

    /// What the registry keeps of the entity: its columns as declared,
    /// `pk` its primary key column and whether the database generates it
    /// (`None`: served without ids), `ops` made from the columns.
    ///
    /// # Panics
    /// When `pk` is not one of the entity's columns.
    pub(super) fn into_spec(
        self,
        pk: Option<(&str, bool)>,
        ops: impl FnOnce(&[ColumnSpec]) -> Box<dyn EntityOps>,
    ) -> ObjectSpec {
        let entity = E::default();
        let table = entity.table_name();
        let mut pk_id = None;
        let mut columns = Vec::new();
        let mut config = self.columns;
        for (i, column) in E::Column::iter().enumerate() {
            let def = column.def();
            let at = config
                .iter()
                .position(|(c, _)| c.as_str() == column.as_str());
            let cfg = at.map(|at| config.swap_remove(at).1).unwrap_or_default();
            let kind = match cfg.enumeration {
                Some(spec) => ColumnKind::Enum(Arc::new(spec)),
                None => ColumnKind::of_column(&column),
            };
            let role = match pk {
                Some((name, auto_increment)) if name == column.as_str() => {
                    pk_id = Some(ColumnId(i));
                    ColumnRole::PrimaryKey { auto_increment }
                }
                _ => ColumnRole::Plain,
            };
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
                role,
            });
        }
        // Binding the first column instead would read and write rows by
        // the wrong key.
        if let (Some((name, _)), None) = (pk, pk_id) {
            panic!("entity `{table}`: its primary key `{name}` is not one of its columns")
        }
        let description = self
            .description
            .map(str::to_owned)
            .or_else(|| entity.comment().map(str::to_owned))
            .unwrap_or_else(|| format!("A row of `{table}`."));
        ObjectSpec {
            name: self.name.to_owned(),
            description,
            table,
            ops: ops(&columns),
            columns,
            pk: pk_id,
            scopes: self
                .scopes
                .named
                .iter()
                .map(|s| (s.name, s.description))
                .collect(),
            default_scope: self.scopes.default_description,
            single: self.single,
            list: self.list,
            crud: self.crud,
            fields: IndexMap::new(),
            target: false,
            tenant: false,
            lookup_columns: pk_id.into_iter().collect(),
        }
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
