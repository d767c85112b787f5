//! `sites`: a `u16` primary key (`SMALLINT UNSIGNED`), as sea-orm-codegen
//! writes it for MySQL; the ids are given, not generated.

use hasone::HasOne;
use sea_orm::entity::prelude::*;

use super::meter;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sites", comment = "A metered site.")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: u16,
    pub name: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// `Site.hasOne(Meter, { foreignKey: 'site_id' })`: a `u16` source key
/// finds a `u32` foreign key.
pub const METER: HasOne<Entity, meter::Entity> =
    HasOne::new("meter", Column::Id, meter::Column::SiteId);
