//! `users`: the source side of every demo association.

use sea_orm::entity::prelude::*;

use crate::has_one::{Conditions, HasOne, Lookup, OnDelete, ScopeValue, Scoped, TenantCascade};
use crate::{address, profile, project, settings};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
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
pub enum Relation {
    #[sea_orm(has_one = "profile::Entity")]
    Profile,
    #[sea_orm(has_many = "address::Entity")]
    Address,
    #[sea_orm(has_one = "project::Entity")]
    Project,
    #[sea_orm(has_one = "settings::Entity")]
    Settings,
}

impl Related<profile::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Profile.def()
    }
}

impl Related<address::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Address.def()
    }
}

impl Related<project::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Project.def()
    }
}

impl Related<settings::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Settings.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

/// `User.hasOne(Profile)`: FK `profiles.user_id`.
pub const PROFILE: HasOne<Entity, profile::Entity> = HasOne {
    name: "profile",
    source_key: Column::Id,
    foreign_key: profile::Column::UserId,
    scope: &[],
    on_delete: OnDelete::SetNull,
};

/// `User.hasOne(Address, { as: 'billingAddress', scope: { kind: 'billing' } })`.
pub const BILLING_ADDRESS: HasOne<Entity, address::Entity> = HasOne {
    name: "billingAddress",
    source_key: Column::Id,
    foreign_key: address::Column::UserId,
    scope: &[(address::Column::Kind, ScopeValue::Str(address::BILLING))],
    on_delete: OnDelete::SetNull,
};

/// `User.hasOne(Address, { as: 'shippingAddress', scope: { kind: 'shipping' } })`.
pub const SHIPPING_ADDRESS: HasOne<Entity, address::Entity> = HasOne {
    name: "shippingAddress",
    source_key: Column::Id,
    foreign_key: address::Column::UserId,
    scope: &[(address::Column::Kind, ScopeValue::Str(address::SHIPPING))],
    on_delete: OnDelete::SetNull,
};

/// `User.hasOne(Project, { foreignKey: 'owner_id' })`.
pub const PROJECT: HasOne<Entity, project::Entity> = HasOne {
    name: "project",
    source_key: Column::Id,
    foreign_key: project::Column::OwnerId,
    scope: &[],
    on_delete: OnDelete::SetNull,
};

/// `User.hasOne(Settings, { sourceKey: 'handle', foreignKey: 'user_handle',
/// onDelete: 'CASCADE' })`: keyed by a non-primary unique column.
pub const SETTINGS: HasOne<Entity, settings::Entity> = HasOne {
    name: "settings",
    source_key: Column::Handle,
    foreign_key: settings::Column::UserHandle,
    scope: &[],
    on_delete: OnDelete::Cascade,
};

/// Every association of `User`, for what deleting a user or changing its
/// handle does to tenant rows where the database has no foreign key.
pub static TENANT_CASCADES: [&dyn TenantCascade<Entity>; 5] = [
    &PROFILE,
    &BILLING_ADDRESS,
    &SHIPPING_ADDRESS,
    &PROJECT,
    &SETTINGS,
];

/// Users by handle: the inverse of `settings`.
pub const BY_HANDLE: Lookup<Entity> = Lookup {
    name: "handle",
    column: Column::Handle,
    scope: &[],
};

/// Users have no model scopes; the enum exists so users load through the
/// same batched lookups as every other entity.
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
