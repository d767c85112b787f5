//! `profiles`: target of `User.hasOne(Profile)`.

use sea_orm::entity::prelude::*;

use crate::has_one::{Conditions, ScopeValue, Scoped};
use crate::user;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "profiles")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Foreign key to `users.id`; unique, nullable (unlinked profiles exist).
    #[sea_orm(unique, nullable)]
    pub user_id: Option<i32>,
    pub bio: String,
    /// `public` or `private`.
    pub visibility: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "user::Entity",
        from = "Column::UserId",
        to = "user::Column::Id",
        on_delete = "SetNull"
    )]
    User,
}

impl Related<user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::User.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

pub const PUBLIC: &str = "public";
pub const PRIVATE: &str = "private";

/// Model scopes of `Profile` (no default scope; `PUBLIC` only shows public ones).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    /// The default scope (empty for profiles).
    Default,
    /// `visibility = 'public'`.
    Public,
}

impl Scoped for Entity {
    type Scope = Scope;
    const DEFAULT: Scope = Scope::Default;

    fn conditions(scope: Scope) -> Conditions<Self> {
        match scope {
            Scope::Default => vec![],
            Scope::Public => vec![(Column::Visibility, ScopeValue::Str(PUBLIC))],
        }
    }
}
