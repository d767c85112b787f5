//! Model scopes: Sequelize's `defaultScope` and named `scopes`, declared
//! once per target, and the conditions a read applies.

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use sea_orm::{EntityTrait, IdenStatic, Value};

/// A scope condition's value. `const`-constructible so that associations
/// and scopes can be declared as constants.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum ScopeValue {
    /// A string (also how enum columns are compared).
    Str(&'static str),
    /// A boolean.
    Bool(bool),
    /// An integer of any width.
    Int(i64),
}

impl From<ScopeValue> for Value {
    fn from(v: ScopeValue) -> Self {
        match v {
            ScopeValue::Str(s) => s.into(),
            ScopeValue::Bool(b) => b.into(),
            ScopeValue::Int(i) => i.into(),
        }
    }
}

/// One named scope: the `where` of `scopes: { ARCHIVED: { where: … } }`.
#[derive(Debug)]
pub struct NamedScope<T: EntityTrait> {
    /// Its name, as clients write it (`ARCHIVED`).
    pub name: &'static str,
    /// What it selects, for the API's documentation.
    pub description: &'static str,
    /// Column-equals-value conditions, ANDed.
    pub conditions: &'static [(T::Column, ScopeValue)],
}

/// The model scopes of a target entity.
#[derive(Debug)]
pub struct Scopes<T: EntityTrait> {
    /// Applied when a read names no scope (`defaultScope`).
    pub default: &'static [(T::Column, ScopeValue)],
    /// What `DEFAULT` means, for the API's documentation.
    pub default_description: &'static str,
    /// The named scopes.
    pub named: &'static [NamedScope<T>],
}

impl<T: EntityTrait> Scopes<T> {
    /// No scopes: the default scope is empty and there are no named ones.
    pub const NONE: Scopes<T> = Scopes {
        default: &[],
        default_description: "The default scope: no condition.",
        named: &[],
    };

    /// The conditions a read applies, merged as Sequelize 6's
    /// `Model.scope([...])` merges equality conditions: conditions on
    /// different columns are ANDed, and a later scope's condition on a
    /// column replaces an earlier one on the same column.
    ///
    /// `None` (scope omitted): the default scope. `Some([])`: no scope at
    /// all (Sequelize's `scope: false`). `Some([A, B])`: A, then B.
    pub fn conditions(
        &self,
        request: Option<&[ScopeRef<'_>]>,
    ) -> Result<Conditions<T>, UnknownScope> {
        let request = request.unwrap_or(&[ScopeRef::Default]);
        let mut merged: Vec<(T::Column, ScopeValue)> = Vec::new();
        for scope in request {
            let conditions = match scope {
                ScopeRef::Default => self.default,
                ScopeRef::Named(name) => {
                    self.named
                        .iter()
                        .find(|s| s.name == *name)
                        .ok_or_else(|| UnknownScope((*name).to_owned()))?
                        .conditions
                }
            };
            for (col, value) in conditions {
                match merged.iter_mut().find(|(c, _)| c.as_str() == col.as_str()) {
                    Some(slot) => slot.1 = *value,
                    None => merged.push((*col, *value)),
                }
            }
        }
        Ok(Conditions(merged.into()))
    }
}

/// A scope a read names: `DEFAULT` or one of the named scopes.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ScopeRef<'a> {
    /// The target's default scope (Sequelize's `defaultScope`).
    Default,
    /// A named scope (Sequelize's `scope: 'name'` option of a getter).
    Named(&'a str),
}

/// A scope name the target does not declare.
#[derive(Debug, thiserror::Error)]
#[error("unknown scope {0:?}")]
pub struct UnknownScope(pub String);

/// The model-scope conditions of a read, merged: what its `SELECT` adds.
/// Two reads whose scopes merge to the same conditions share a statement.
pub struct Conditions<T: EntityTrait>(Arc<[(T::Column, ScopeValue)]>);

impl<T: EntityTrait> Conditions<T> {
    /// No condition (what `set` and `create` use to find the current
    /// target, as Sequelize does).
    pub fn none() -> Self {
        Conditions(Arc::new([]))
    }

    /// The conditions, column and value, in declaration order.
    pub fn iter(&self) -> impl Iterator<Item = &(T::Column, ScopeValue)> {
        self.0.iter()
    }
}

impl<T: EntityTrait> Clone for Conditions<T> {
    fn clone(&self) -> Self {
        Conditions(self.0.clone())
    }
}

impl<T: EntityTrait> std::fmt::Debug for Conditions<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|(c, v)| (c.as_str(), v)))
            .finish()
    }
}

impl<T: EntityTrait> PartialEq for Conditions<T> {
    fn eq(&self, other: &Self) -> bool {
        self.0.len() == other.0.len()
            && self
                .0
                .iter()
                .zip(other.0.iter())
                .all(|((a, x), (b, y))| a.as_str() == b.as_str() && x == y)
    }
}

impl<T: EntityTrait> Eq for Conditions<T> {}

impl<T: EntityTrait> Hash for Conditions<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        for (col, value) in self.0.iter() {
            col.as_str().hash(state);
            value.hash(state);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    mod project {
        use sea_orm::entity::prelude::*;

        #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
        #[sea_orm(table_name = "projects")]
        pub struct Model {
            #[sea_orm(primary_key)]
            pub id: i32,
            pub archived: bool,
            pub public: bool,
        }

        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {}

        impl ActiveModelBehavior for ActiveModel {}
    }
    use project::Column;

    const SCOPES: Scopes<project::Entity> = Scopes {
        default: &[(Column::Archived, ScopeValue::Bool(false))],
        default_description: "",
        named: &[
            NamedScope {
                name: "ARCHIVED",
                description: "",
                conditions: &[(Column::Archived, ScopeValue::Bool(true))],
            },
            NamedScope {
                name: "PUBLIC",
                description: "",
                conditions: &[(Column::Public, ScopeValue::Bool(true))],
            },
        ],
    };

    fn conditions(request: Option<&[ScopeRef<'_>]>) -> Vec<(&'static str, ScopeValue)> {
        SCOPES
            .conditions(request)
            .expect("known scopes")
            .iter()
            .map(|(c, v)| (c.as_str(), *v))
            .collect()
    }

    #[test]
    fn scopes_merge_as_sequelize_does() {
        use ScopeRef::*;
        let archived = ("archived", ScopeValue::Bool(true));
        let active = ("archived", ScopeValue::Bool(false));
        let public = ("public", ScopeValue::Bool(true));
        assert_eq!(conditions(None), [active]);
        assert_eq!(conditions(Some(&[])), []);
        assert_eq!(conditions(Some(&[Named("ARCHIVED")])), [archived]);
        // A later condition on the same column replaces the earlier one.
        assert_eq!(conditions(Some(&[Default, Named("ARCHIVED")])), [archived]);
        assert_eq!(conditions(Some(&[Named("ARCHIVED"), Default])), [active]);
        assert_eq!(
            conditions(Some(&[Default, Named("PUBLIC")])),
            [active, public]
        );
        assert!(SCOPES.conditions(Some(&[Named("NOPE")])).is_err());
        // The same merged conditions are the same key.
        assert_eq!(
            SCOPES.conditions(None).expect("ok"),
            SCOPES
                .conditions(Some(&[Named("ARCHIVED"), Default]))
                .expect("ok")
        );
    }
}
