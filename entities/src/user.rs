//! `users`: the source of every demo association.

use hasone::{HasOne, OnDelete, ScopeValue};
use sea_orm::entity::prelude::*;

use crate::address::Kind;
use crate::{address, profile, project, settings};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(
    table_name = "users",
    comment = "A user: the source of every has-one association."
)]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub name: String,
    #[sea_orm(unique)]
    pub email: String,
    /// A unique, changeable name: the `sourceKey` of `settings`.
    #[sea_orm(unique, nullable)]
    pub handle: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// `User.hasOne(Profile)`: foreign key `profiles.user_id`.
pub const PROFILE: HasOne<Entity, profile::Entity> =
    HasOne::new("profile", Column::Id, profile::Column::UserId);

/// `User.hasOne(Address, { as: 'billingAddress', scope: { kind: 'billing' } })`.
pub const BILLING_ADDRESS: HasOne<Entity, address::Entity> =
    HasOne::new("billingAddress", Column::Id, address::Column::UserId)
        .scope(&[(address::Column::Kind, ScopeValue::Str(Kind::BILLING))]);

/// `User.hasOne(Address, { as: 'shippingAddress', scope: { kind: 'shipping' } })`.
pub const SHIPPING_ADDRESS: HasOne<Entity, address::Entity> =
    HasOne::new("shippingAddress", Column::Id, address::Column::UserId)
        .scope(&[(address::Column::Kind, ScopeValue::Str(Kind::SHIPPING))]);

/// `User.hasOne(Project, { foreignKey: 'owner_id', inverse: { as: 'owner' } })`.
pub const PROJECT: HasOne<Entity, project::Entity> =
    HasOne::new("project", Column::Id, project::Column::OwnerId).inverse("owner");

/// `User.hasOne(Settings, { sourceKey: 'handle', foreignKey: 'user_handle',
/// onDelete: 'CASCADE' })`: keyed by a non-primary unique column.
pub const SETTINGS: HasOne<Entity, settings::Entity> =
    HasOne::new("settings", Column::Handle, settings::Column::UserHandle)
        .on_delete(OnDelete::Cascade);
