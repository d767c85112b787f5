//! `desks`: an `i16` primary key (`SMALLINT`), negative ids included.

use hasone::HasOne;
use sea_orm::entity::prelude::*;

use super::lamp;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "desks", comment = "A desk.")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i16,
    pub name: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// `Desk.hasOne(Lamp, { foreignKey: 'desk_id' })`: `i16` on both sides.
pub const LAMP: HasOne<Entity, lamp::Entity> =
    HasOne::new("lamp", Column::Id, lamp::Column::DeskId);
