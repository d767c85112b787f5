//! `desk_names`: a view (`SELECT id, name FROM desks`), served read-only.
//! Its columns are nullable as a view's are (PostgreSQL says so of every
//! view column): `id` is its nominal key as a [`hasone::NullableKey`].

use hasone::NullableKey;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "desk_names", comment = "A desk's name (a view).")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false, nullable)]
    pub id: NullableKey<i16>,
    pub name: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
