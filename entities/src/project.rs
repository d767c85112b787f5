//! `projects`: target of `User.hasOne(Project, { foreignKey: 'owner_id' })`,
//! with a default scope (`archived = false`) as in Sequelize's `defaultScope`.

use sea_orm::entity::prelude::*;

use crate::has_one::{Conditions, ScopeValue, Scoped};
use crate::user;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "projects")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Foreign key to `users.id`; unique, nullable.
    #[sea_orm(unique, nullable)]
    pub owner_id: Option<i32>,
    pub name: String,
    pub archived: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "user::Entity",
        from = "Column::OwnerId",
        to = "user::Column::Id",
        on_delete = "SetNull"
    )]
    Owner,
}

impl Related<user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Owner.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

/// Model scopes of `Project`.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    /// `defaultScope`: `archived = false`.
    Default,
    /// `archived = false` (the same condition, by name).
    Active,
    /// `archived = true`.
    Archived,
}

impl Scoped for Entity {
    type Scope = Scope;
    const DEFAULT: Scope = Scope::Default;

    fn conditions(scope: Scope) -> Conditions<Self> {
        match scope {
            Scope::Default | Scope::Active => vec![(Column::Archived, ScopeValue::Bool(false))],
            Scope::Archived => vec![(Column::Archived, ScopeValue::Bool(true))],
        }
    }
}
