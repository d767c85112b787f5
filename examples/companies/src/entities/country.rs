//! `countries`: a text primary key (the ISO code).

use hasone::{HasOne, ScopeValue};
use sea_orm::entity::prelude::*;

use super::{address, capital};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "countries", comment = "A country, by its ISO code.")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub code: String,
    pub name: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// `Country.hasOne(Capital, { foreignKey: 'country_code' })`.
pub const CAPITAL: HasOne<Entity, capital::Entity> =
    HasOne::new("capital", Column::Code, capital::Column::CountryCode);

/// `Country.hasOne(Address, { as: 'address', scope: { kind: 'mail' } })`:
/// the same name as `Company.address`, another source.
pub const ADDRESS: HasOne<Entity, address::Entity> =
    HasOne::new("address", Column::Code, address::Column::CountryCode)
        .scope(&[(address::Column::Kind, ScopeValue::Str("mail"))]);
