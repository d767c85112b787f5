//! `settings`: target of `User.hasOne(Settings)` through the non-primary
//! source key `users.handle`, deleted with its user.

use sea_orm::entity::prelude::*;

use crate::has_one::{Conditions, Scoped};
use crate::user;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "settings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Foreign key to `users.handle`; unique, nullable.
    #[sea_orm(unique, nullable)]
    pub user_handle: Option<String>,
    /// `light` or `dark`.
    pub theme: String,
    pub notifications: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "user::Entity",
        from = "Column::UserHandle",
        to = "user::Column::Handle",
        on_delete = "Cascade"
    )]
    User,
}

impl Related<user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::User.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

pub const LIGHT: &str = "light";
pub const DARK: &str = "dark";

/// Settings have no model scopes.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    Default,
}

impl Scoped for Entity {
    type Scope = Scope;
    const DEFAULT: Scope = Scope::Default;

    fn conditions(_: Scope) -> Conditions<Self> {
        Vec::new()
    }
}
