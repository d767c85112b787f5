//! `meters`: a `u32` primary key (`INT UNSIGNED`) and a nullable, unique
//! `u32` foreign key to the `u16` key of `sites`, as sea-orm-codegen
//! writes them for MySQL.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "meters", comment = "An electricity meter.")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: u32,
    #[sea_orm(unique, nullable)]
    pub site_id: Option<u32>,
    pub serial: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
