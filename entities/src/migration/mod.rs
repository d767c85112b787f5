//! Ordered, named migrations under one [`Migrator`].

use sea_orm_migration::prelude::*;

mod m20261125_000001_create_demo_tables;

pub use m20261125_000001_create_demo_tables::target_tables;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![Box::new(m20261125_000001_create_demo_tables::Migration)]
    }
}
