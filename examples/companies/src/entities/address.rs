//! `addresses`: the target of three associations of two sources, told
//! apart by `kind`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "addresses", comment = "A postal address.")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(nullable)]
    pub company_code: Option<String>,
    #[sea_orm(nullable)]
    pub country_code: Option<String>,
    pub kind: String,
    pub street: String,
    pub city: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
