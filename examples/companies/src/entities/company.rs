//! `companies`: UUID keys, and a unique `code` the addresses point at.

use hasone::{HasOne, ScopeValue};
use sea_orm::entity::prelude::*;

use super::{address, ceo};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "companies", comment = "A company.")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub code: String,
    pub name: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// `Company.hasOne(Ceo)`: a `NOT NULL` foreign key, so a new CEO deletes
/// the previous one, and a company cannot be left without one by `set`.
pub const CEO: HasOne<Entity, ceo::Entity> = HasOne::new("ceo", Column::Id, ceo::Column::CompanyId);

/// `Company.hasOne(Address, { as: 'address', sourceKey: 'code', scope:
/// { kind: 'mail' } })`: the same name as `Country.address`.
pub const ADDRESS: HasOne<Entity, address::Entity> =
    HasOne::new("address", Column::Code, address::Column::CompanyCode)
        .scope(&[(address::Column::Kind, ScopeValue::Str("mail"))]);

/// `Company.hasOne(Address, { as: 'headOffice', sourceKey: 'code', scope:
/// { kind: 'head' } })`.
pub const HEAD_OFFICE: HasOne<Entity, address::Entity> =
    HasOne::new("headOffice", Column::Code, address::Column::CompanyCode)
        .scope(&[(address::Column::Kind, ScopeValue::Str("head"))]);
