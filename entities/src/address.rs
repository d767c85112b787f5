//! `addresses`: target of the two scoped associations `billingAddress` and
//! `shippingAddress`; the association scope lives in `kind`.

use hasone::{NamedScope, ScopeValue, Scopes};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(
    table_name = "addresses",
    comment = "A postal address; `kind` says which association it serves."
)]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Foreign key to `users.id`; unique together with `kind`.
    #[sea_orm(nullable)]
    pub user_id: Option<i32>,
    /// The association scope column.
    pub kind: Kind,
    pub street: String,
    pub city: String,
    pub country: String,
    #[sea_orm(default_value = false)]
    pub verified: bool,
}

/// Which association an address serves.
#[derive(Copy, Clone, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(
    rs_type = "String",
    db_type = "String(StringLen::N(16))",
    enum_name = "address_kind"
)]
pub enum Kind {
    #[sea_orm(string_value = "billing")]
    Billing,
    #[sea_orm(string_value = "shipping")]
    Shipping,
}

impl Kind {
    /// The stored values, for association scopes (which are constants).
    pub const BILLING: &'static str = "billing";
    pub const SHIPPING: &'static str = "shipping";
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// Model scopes: no default scope; `VERIFIED` shows verified addresses only.
pub const SCOPES: Scopes<Entity> = Scopes {
    default: &[],
    default_description: "The default scope (no condition).",
    named: &[NamedScope {
        name: "VERIFIED",
        description: "Only verified addresses (`verified = true`).",
        conditions: &[(Column::Verified, ScopeValue::Bool(true))],
    }],
};
