//! The example's one migration: five tables and their foreign keys.

use sea_orm_migration::prelude::*;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![Box::new(CreateTables)]
    }
}

struct CreateTables;

impl MigrationName for CreateTables {
    fn name(&self) -> &str {
        "m20261201_000001_create_tables"
    }
}

#[derive(DeriveIden)]
enum Companies {
    Table,
    Id,
    Code,
    Name,
}

#[derive(DeriveIden)]
enum Ceos {
    Table,
    Id,
    CompanyId,
    Name,
}

#[derive(DeriveIden)]
enum Countries {
    Table,
    Code,
    Name,
}

#[derive(DeriveIden)]
enum Capitals {
    Table,
    Id,
    CountryCode,
    Name,
}

#[derive(DeriveIden)]
enum Addresses {
    Table,
    Id,
    CompanyCode,
    CountryCode,
    Kind,
    Street,
    City,
}

#[async_trait::async_trait]
impl MigrationTrait for CreateTables {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Companies::Table)
                    .if_not_exists()
                    .col(
                        ColumnDef::new(Companies::Id)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(Companies::Code)
                            .string_len(32)
                            .not_null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(Companies::Name).string().not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Ceos::Table)
                    .if_not_exists()
                    .col(ColumnDef::new(Ceos::Id).uuid().not_null().primary_key())
                    .col(
                        ColumnDef::new(Ceos::CompanyId)
                            .uuid()
                            .not_null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(Ceos::Name).string().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_ceos_company_id")
                            .from(Ceos::Table, Ceos::CompanyId)
                            .to(Companies::Table, Companies::Id)
                            .on_delete(ForeignKeyAction::Cascade)
                            .on_update(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Countries::Table)
                    .if_not_exists()
                    .col(
                        ColumnDef::new(Countries::Code)
                            .string_len(8)
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Countries::Name).string().not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Capitals::Table)
                    .if_not_exists()
                    .col(
                        ColumnDef::new(Capitals::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(Capitals::CountryCode)
                            .string_len(8)
                            .null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(Capitals::Name).string().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_capitals_country_code")
                            .from(Capitals::Table, Capitals::CountryCode)
                            .to(Countries::Table, Countries::Code)
                            .on_delete(ForeignKeyAction::SetNull)
                            .on_update(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Addresses::Table)
                    .if_not_exists()
                    .col(
                        ColumnDef::new(Addresses::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Addresses::CompanyCode).string_len(32).null())
                    .col(ColumnDef::new(Addresses::CountryCode).string_len(8).null())
                    .col(ColumnDef::new(Addresses::Kind).string_len(16).not_null())
                    .col(ColumnDef::new(Addresses::Street).string().not_null())
                    .col(ColumnDef::new(Addresses::City).string().not_null())
                    .index(
                        Index::create()
                            .name("ux_addresses_company_code_kind")
                            .col(Addresses::CompanyCode)
                            .col(Addresses::Kind)
                            .unique(),
                    )
                    .index(
                        Index::create()
                            .name("ux_addresses_country_code_kind")
                            .col(Addresses::CountryCode)
                            .col(Addresses::Kind)
                            .unique(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_addresses_company_code")
                            .from(Addresses::Table, Addresses::CompanyCode)
                            .to(Companies::Table, Companies::Code)
                            .on_delete(ForeignKeyAction::SetNull)
                            .on_update(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_addresses_country_code")
                            .from(Addresses::Table, Addresses::CountryCode)
                            .to(Countries::Table, Countries::Code)
                            .on_delete(ForeignKeyAction::SetNull)
                            .on_update(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["addresses", "capitals", "countries", "ceos", "companies"] {
            manager
                .drop_table(
                    Table::drop()
                        .table(Alias::new(table))
                        .if_exists()
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
