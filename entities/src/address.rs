//! `addresses`: target of the two scoped associations `billingAddress` and
//! `shippingAddress`; the association scope lives in `kind`.

use sea_orm::entity::prelude::*;

use crate::has_one::{Conditions, ScopeValue, Scoped};
use crate::user;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "addresses")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Foreign key to `users.id`; unique together with `kind`.
    #[sea_orm(nullable)]
    pub user_id: Option<i32>,
    /// `billing` or `shipping`: the association scope column.
    pub kind: String,
    pub street: String,
    pub city: String,
    pub country: String,
    pub verified: bool,
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

pub const BILLING: &str = "billing";
pub const SHIPPING: &str = "shipping";

/// Model scopes of `Address` (no default scope).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    /// The default scope (empty for addresses).
    Default,
    /// `verified = true`.
    Verified,
}

impl Scoped for Entity {
    type Scope = Scope;
    const DEFAULT: Scope = Scope::Default;

    fn conditions(scope: Scope) -> Conditions<Self> {
        match scope {
            Scope::Default => vec![],
            Scope::Verified => vec![(Column::Verified, ScopeValue::Bool(true))],
        }
    }
}
