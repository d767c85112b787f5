//! `settings`: target of `User.hasOne(Settings)` through the non-primary
//! source key `users.handle`, deleted with its user.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(
    table_name = "settings",
    comment = "A user's settings, found by the user's handle."
)]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Foreign key to `users.handle`; unique, nullable.
    #[sea_orm(unique, nullable)]
    pub user_handle: Option<String>,
    #[sea_orm(default_value = "light")]
    pub theme: Theme,
    #[sea_orm(default_value = true)]
    pub notifications: bool,
}

/// The colour scheme of the user interface.
#[derive(Copy, Clone, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(
    rs_type = "String",
    db_type = "String(StringLen::N(16))",
    enum_name = "theme"
)]
pub enum Theme {
    #[sea_orm(string_value = "light")]
    Light,
    #[sea_orm(string_value = "dark")]
    Dark,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
