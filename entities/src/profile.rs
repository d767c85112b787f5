//! `profiles`: target of `User.hasOne(Profile)`.

use hasone::{NamedScope, ScopeValue, Scopes};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "profiles", comment = "A user's profile.")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Foreign key to `users.id`; unique, nullable (unlinked profiles exist).
    #[sea_orm(unique, nullable)]
    pub user_id: Option<i32>,
    pub bio: String,
    #[sea_orm(default_value = "private")]
    pub visibility: Visibility,
}

/// Who may see a profile.
#[derive(Copy, Clone, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(
    rs_type = "String",
    db_type = "String(StringLen::N(16))",
    enum_name = "visibility"
)]
pub enum Visibility {
    #[sea_orm(string_value = "public")]
    Public,
    #[sea_orm(string_value = "private")]
    Private,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// Model scopes: no default scope; `PUBLIC` shows public profiles only.
pub const SCOPES: Scopes<Entity> = Scopes {
    default: &[],
    default_description: "The default scope (no condition).",
    named: &[NamedScope {
        name: "PUBLIC",
        description: "Only public profiles (`visibility = 'public'`).",
        conditions: &[(Column::Visibility, ScopeValue::Str("public"))],
    }],
};
