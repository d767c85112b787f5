//! `projects`: target of `User.hasOne(Project, { foreignKey: 'owner_id' })`,
//! with a default scope (`archived = false`) as Sequelize's `defaultScope`.

use hasone::{NamedScope, ScopeValue, Scopes};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "projects", comment = "A user's project.")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Foreign key to `users.id`; unique, nullable.
    #[sea_orm(unique, nullable)]
    pub owner_id: Option<i32>,
    pub name: String,
    #[sea_orm(default_value = false)]
    pub archived: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// Model scopes: by default archived projects are hidden.
pub const SCOPES: Scopes<Entity> = Scopes {
    default: &[(Column::Archived, ScopeValue::Bool(false))],
    default_description: "The default scope: projects that are not archived (`archived = false`).",
    named: &[
        NamedScope {
            name: "ACTIVE",
            description: "Projects that are not archived (`archived = false`).",
            conditions: &[(Column::Archived, ScopeValue::Bool(false))],
        },
        NamedScope {
            name: "ARCHIVED",
            description: "Archived projects (`archived = true`).",
            conditions: &[(Column::Archived, ScopeValue::Bool(true))],
        },
    ],
};
