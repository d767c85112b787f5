use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub name: String,
    #[sea_orm(unique)]
    pub email: String,
    #[sea_orm(unique)]
    pub handle: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_one = "super::profiles::Entity")]
    Profile,
    #[sea_orm(has_one = "super::addresses::Entity")]
    BillingAddress,
    #[sea_orm(has_one = "super::addresses::Entity")]
    ShippingAddress,
    #[sea_orm(has_one = "super::projects::Entity")]
    Project,
}

impl Related<super::profiles::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Profile.def()
    }
}

impl Related<super::projects::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Project.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelatedEntity)]
pub enum RelatedEntity {
    #[sea_orm(entity = "super::profiles::Entity", def = "Relation::Profile.def()")]
    Profile,
    #[sea_orm(entity = "super::addresses::Entity", def = "Relation::BillingAddress.def()")]
    BillingAddress,
    #[sea_orm(entity = "super::addresses::Entity", def = "Relation::ShippingAddress.def()")]
    ShippingAddress,
    #[sea_orm(entity = "super::projects::Entity", def = "Relation::Project.def()")]
    Project,
}
