//! The example's SeaORM entities, one file per table, with the has-one
//! associations declared next to their sources.

pub mod address;
pub mod capital;
pub mod ceo;
pub mod company;
pub mod country;
pub mod desk;
pub mod desk_name;
pub mod lamp;
pub mod meter;
pub mod reading;
pub mod site;
