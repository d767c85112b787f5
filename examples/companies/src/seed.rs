//! A few companies and countries, the same every time: company `i` has
//! the id `00000000-0000-0000-0000-00000000000i`, the code `C<i>`, a CEO
//! (but the last one), a mail address when `i` is odd and a head office
//! when it is even. The countries are NO, SE, DK and JP, with capitals but
//! for DK, and mail addresses for NO and SE. Company `NO` shares its code
//! with a country, on purpose: two sources whose keys are equal.

use sea_orm::ActiveValue::Set;
use sea_orm::prelude::Uuid;
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, PaginatorTrait};

use crate::entities::{address, capital, ceo, company, country, desk, lamp, meter, reading, site};

/// Companies seeded.
pub const COMPANIES: u128 = 6;

/// The id of company `i` (1-based).
pub fn company_id(i: u128) -> Uuid {
    Uuid::from_u128(i)
}

/// Seeds an empty database; returns whether it did.
pub async fn seed<C: ConnectionTrait>(db: &C) -> Result<bool, DbErr> {
    if company::Entity::find().count(db).await? > 0 {
        return Ok(false);
    }
    for i in 1..=COMPANIES {
        let code = if i == COMPANIES {
            "NO".to_owned()
        } else {
            format!("C{i}")
        };
        company::Entity::insert(company::ActiveModel {
            id: Set(company_id(i)),
            code: Set(code.clone()),
            name: Set(format!("Company {i}")),
        })
        .exec_without_returning(db)
        .await?;
        if i < COMPANIES {
            ceo::Entity::insert(ceo::ActiveModel {
                id: Set(Uuid::from_u128(1000 + i)),
                company_id: Set(company_id(i)),
                name: Set(format!("CEO of company {i}")),
            })
            .exec_without_returning(db)
            .await?;
        }
        let kind = if i % 2 == 1 { "mail" } else { "head" };
        address::Entity::insert(address::ActiveModel {
            company_code: Set(Some(code)),
            kind: Set(kind.into()),
            street: Set(format!("{i} {kind} street")),
            city: Set("Oslo".into()),
            ..Default::default()
        })
        .exec_without_returning(db)
        .await?;
    }
    for (code, name, capital) in [
        ("NO", "Norway", Some("Oslo")),
        ("SE", "Sweden", Some("Stockholm")),
        ("DK", "Denmark", None),
        ("JP", "Japan", Some("Tokyo")),
    ] {
        country::Entity::insert(country::ActiveModel {
            code: Set(code.into()),
            name: Set(name.into()),
        })
        .exec_without_returning(db)
        .await?;
        if let Some(city) = capital {
            capital::Entity::insert(capital::ActiveModel {
                country_code: Set(Some(code.into())),
                name: Set(city.into()),
                ..Default::default()
            })
            .exec_without_returning(db)
            .await?;
        }
        if code == "NO" || code == "SE" {
            address::Entity::insert(address::ActiveModel {
                country_code: Set(Some(code.into())),
                kind: Set("mail".into()),
                street: Set(format!("{name} post office")),
                city: Set(capital.unwrap_or(name).into()),
                ..Default::default()
            })
            .exec_without_returning(db)
            .await?;
        }
    }
    // A capital of nobody, for `setCountryCapital` to link.
    capital::Entity::insert(capital::ActiveModel {
        country_code: Set(None),
        name: Set("Copenhagen".into()),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    seed_narrow_keys(db).await?;
    Ok(true)
}

/// Sites 1, 300 and 65535 (`u16::MAX`); meter 4294967295 (`u32::MAX`) of
/// site 65535, meter 1 of site 1, meter 7 of nobody. Desks -32768, 1 and
/// 32767 (`i16`'s ends); a lamp on desk 32767 and one on no desk; the
/// [`READINGS`].
async fn seed_narrow_keys<C: ConnectionTrait>(db: &C) -> Result<(), DbErr> {
    for (id, name) in [(1, "Plant"), (300, "Spare site"), (u16::MAX, "Far plant")] {
        site::Entity::insert(site::ActiveModel {
            id: Set(id),
            name: Set(name.into()),
        })
        .exec_without_returning(db)
        .await?;
    }
    for (id, site_id) in [(u32::MAX, Some(65_535)), (1, Some(1)), (7, None)] {
        meter::Entity::insert(meter::ActiveModel {
            id: Set(id),
            site_id: Set(site_id),
            serial: Set(format!("M-{id}")),
        })
        .exec_without_returning(db)
        .await?;
    }
    for (id, name) in [
        (i16::MIN, "Cellar desk"),
        (1, "Desk 1"),
        (i16::MAX, "Corner desk"),
    ] {
        desk::Entity::insert(desk::ActiveModel {
            id: Set(id),
            name: Set(name.into()),
        })
        .exec_without_returning(db)
        .await?;
    }
    for (desk_id, name) in [(Some(i16::MAX), "Green lamp"), (None, "Spare lamp")] {
        lamp::Entity::insert(lamp::ActiveModel {
            desk_id: Set(desk_id),
            name: Set(name.into()),
            ..Default::default()
        })
        .exec_without_returning(db)
        .await?;
    }
    for (desk_id, lux, note) in READINGS {
        reading::Entity::insert(reading::ActiveModel {
            desk_id: Set(desk_id),
            lux: Set(lux),
            note: Set(note.map(str::to_owned)),
        })
        .exec_without_returning(db)
        .await?;
    }
    Ok(())
}

/// The rows of `readings` (no primary key): two equal ones, on purpose.
pub const READINGS: [(i16, i32, Option<&str>); 5] = [
    (1, 300, Some("morning")),
    (i16::MAX, 500, Some("window")),
    (1, 300, Some("morning")),
    (i16::MIN, 0, None),
    (1, 120, None),
];
