//! [`Exposed`]: how an application declares one entity, its GraphQL type
//! name and what describes and checks its columns.

use hasone::Scopes;
use sea_orm::{EntityTrait, IdenStatic, Value};

use crate::value::EnumSpec;

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

    /// No `create*`, `update*` or `delete*` mutations.
    pub fn without_crud(mut self) -> Self {
        self.crud = false;
        self
    }
}
