//! `readings`: a table without a primary key (several readings per desk),
//! served read-only. SeaORM needs a key: `desk_id` is named one, a nominal
//! key hasone never looks rows up by.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "readings", comment = "A light reading at a desk.")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub desk_id: i16,
    pub lux: i32,
    #[sea_orm(column_type = "Text", nullable)]
    pub note: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
