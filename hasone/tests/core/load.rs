//! `load`: the batched `getAssociation`.

use hasone::sea_orm::{EntityTrait, Value};
use hasone::tenancy::Allowlist;
use hasone::{Conditions, Key, ScopeRef, load};

use crate::fixtures::{
    BILLING, CEO, CEO_SCOPES, METER, OFFICE, SHIPPING, TestDb, address, ceo, company, meter, site,
};
use crate::{found, key};

fn ceo_name(row: Option<ceo::Model>) -> Option<String> {
    row.map(|c| c.name)
}

#[tokio::test]
async fn many_sources_are_one_select() {
    let t = TestDb::new().await;
    let none = Conditions::none();
    let keys: Vec<_> = [1, 2, 3, 4, 5, 99]
        .into_iter()
        .map(|id| key(CEO.lookup(), id, &none))
        .chain([key(CEO.lookup(), Value::Int(None), &none)])
        .collect();
    t.clear_log();
    let loaded = load(&t.db, &keys).await;
    assert_eq!(t.selects(), 1, "{:?}", t.statements());
    assert!(t.statements()[0].contains(" IN "), "{:?}", t.statements());
    let names: Vec<_> = keys.iter().map(|k| ceo_name(found(&loaded, k))).collect();
    assert_eq!(
        names,
        [
            Some("Ada".into()),
            Some("Brian".into()),
            None,
            Some("Carol".into()),
            None,
            None,
            None
        ]
    );
}

#[tokio::test]
async fn null_keys_find_nothing_without_a_statement() {
    let t = TestDb::new().await;
    let ceo_key = key(CEO.lookup(), Value::Int(None), &Conditions::none());
    let office_key = key(OFFICE.lookup(), Value::String(None), &Conditions::none());
    t.clear_log();
    let ceos = load(&t.db, std::slice::from_ref(&ceo_key)).await;
    let offices = load(&t.db, std::slice::from_ref(&office_key)).await;
    assert_eq!(found(&ceos, &ceo_key), None);
    assert_eq!(found(&offices, &office_key), None);
    assert!(t.statements().is_empty(), "{:?}", t.statements());
}

#[tokio::test]
async fn default_named_and_no_scope_select_different_targets() {
    let t = TestDb::new().await;
    let read =
        |request: Option<&[ScopeRef<'_>]>| CEO_SCOPES.conditions(request).expect("declared scopes");
    let serving = read(None);
    let unscoped = read(Some(&[]));
    let retired = read(Some(&[ScopeRef::Named("RETIRED")]));
    // Acme's CEO serves, Umbrella's (Carol) is retired.
    let mut answers = Vec::new();
    for conditions in [&serving, &unscoped, &retired] {
        let keys = [
            key(CEO.lookup(), 1, conditions),
            key(CEO.lookup(), 4, conditions),
        ];
        let loaded = load(&t.db, &keys).await;
        answers.push(
            keys.iter()
                .map(|k| ceo_name(found(&loaded, k)))
                .collect::<Vec<_>>(),
        );
    }
    assert_eq!(answers[0], [Some("Ada".to_owned()), None]);
    assert_eq!(
        answers[1],
        [Some("Ada".to_owned()), Some("Carol".to_owned())]
    );
    assert_eq!(answers[2], [None, Some("Carol".to_owned())]);
    assert!(
        CEO_SCOPES
            .conditions(Some(&[ScopeRef::Named("FIRED")]))
            .is_err()
    );
}

#[tokio::test]
async fn reads_with_different_scopes_are_separate_statements() {
    let t = TestDb::new().await;
    let serving = CEO_SCOPES.conditions(None).expect("default scope");
    let unscoped = Conditions::none();
    let keys: Vec<Key<ceo::Entity>> = [1, 4]
        .into_iter()
        .flat_map(|id| {
            [
                key(CEO.lookup(), id, &serving),
                key(CEO.lookup(), id, &unscoped),
            ]
        })
        .collect();
    t.clear_log();
    let loaded = load(&t.db, &keys).await;
    assert_eq!(t.selects(), 2, "{:?}", t.statements());
    let names: Vec<_> = keys.iter().map(|k| ceo_name(found(&loaded, k))).collect();
    assert_eq!(
        names,
        [
            Some("Ada".into()),
            Some("Ada".into()),
            None,
            Some("Carol".into())
        ]
    );
}

#[tokio::test]
async fn association_scopes_on_one_table_share_a_statement_but_not_rows() {
    let t = TestDb::new().await;
    let none = Conditions::none();
    let billing: Vec<_> = (1..=3).map(|id| key(BILLING.lookup(), id, &none)).collect();
    let shipping: Vec<_> = (1..=3)
        .map(|id| key(SHIPPING.lookup(), id, &none))
        .collect();
    let keys: Vec<_> = billing.iter().chain(&shipping).cloned().collect();
    t.clear_log();
    let loaded = load(&t.db, &keys).await;
    assert_eq!(t.selects(), 1, "{:?}", t.statements());
    let ids = |keys: &[Key<address::Entity>]| -> Vec<Option<i32>> {
        keys.iter()
            .map(|k| found(&loaded, k).map(|a| a.id))
            .collect()
    };
    assert_eq!(ids(&billing), [Some(1), Some(3), None]);
    assert_eq!(ids(&shipping), [Some(2), None, Some(4)]);
    for (k, kind) in billing
        .iter()
        .map(|k| (k, "billing"))
        .chain(shipping.iter().map(|k| (k, "shipping")))
    {
        if let Some(row) = found(&loaded, k) {
            assert_eq!(row.kind, kind);
        }
    }
}

#[tokio::test]
async fn a_string_source_key_finds_its_target() {
    let t = TestDb::new().await;
    let none = Conditions::none();
    let companies = t.all::<company::Entity>().await;
    let keys: Vec<_> = companies
        .iter()
        .map(|c| key(OFFICE.lookup(), c.code.clone(), &none))
        .collect();
    t.clear_log();
    let loaded = load(&t.db, &keys).await;
    assert_eq!(t.selects(), 1, "{:?}", t.statements());
    let cities: Vec<_> = keys
        .iter()
        .map(|k| found(&loaded, k).map(|o| o.city))
        .collect();
    // ACME, GLOBEX, (no code), UMB, HOOLI.
    assert_eq!(
        cities,
        [Some("Oslo".into()), Some("Bergen".into()), None, None, None]
    );
    // `get` for one source agrees, and a null code needs no statement.
    assert_eq!(
        OFFICE
            .get(&t.db, &companies[1], &none, None)
            .await
            .expect("get")
            .map(|o| o.id),
        Some(2)
    );
    t.clear_log();
    assert_eq!(
        OFFICE
            .get(&t.db, &companies[2], &none, None)
            .await
            .expect("get"),
        None
    );
    assert!(t.statements().is_empty(), "{:?}", t.statements());
}

#[tokio::test]
async fn a_u16_source_key_finds_a_u32_foreign_key() {
    let t = TestDb::new().await;
    let none = Conditions::none();
    let sites = t.all::<site::Entity>().await;
    // Keys as the source rows give them: `Value::SmallUnsigned`.
    let keys: Vec<_> = sites
        .iter()
        .map(|s| {
            Key::new(
                METER.lookup(),
                hasone::sea_orm::ModelTrait::get(s, site::Column::Id),
                none.clone(),
                None,
            )
        })
        .collect();
    assert!(
        matches!(keys[0].value(), Value::BigInt(Some(1))),
        "normalised"
    );
    let loaded = load(&t.db, &keys).await;
    let meters: Vec<_> = keys
        .iter()
        .map(|k| found(&loaded, k).map(|m: meter::Model| m.id))
        .collect();
    // Sites 1, 7, 65535 (u16::MAX): the last has meter u32::MAX.
    assert_eq!(meters, [Some(10), None, Some(u32::MAX)]);
    let max = METER.get(&t.db, &sites[2], &none, None).await.expect("get");
    assert_eq!(
        max.map(|m| (m.id, m.site_id)),
        Some((u32::MAX, Some(65_535)))
    );
}

#[tokio::test]
async fn a_failed_statement_fails_its_own_keys_only() {
    let t = TestDb::new().await;
    // An allowlisted schema that is not attached: its table is missing.
    let missing = Allowlist::new(["nowhere"])
        .expect("identifier")
        .check("nowhere")
        .expect("allowlisted");
    let none = Conditions::none();
    let good = key(CEO.lookup(), 1, &none);
    let bad = Key::new(CEO.lookup(), 1.into(), none.clone(), Some(missing));
    let loaded = load(&t.db, &[good.clone(), bad.clone()]).await;
    assert_eq!(ceo_name(found(&loaded, &good)), Some("Ada".into()));
    let err = loaded
        .get(&bad)
        .expect("answered")
        .as_ref()
        .expect_err("no such table");
    assert!(err.to_string().contains("nowhere"), "{err}");
}

#[tokio::test]
async fn get_applies_the_association_scope() {
    let t = TestDb::new().await;
    let none = Conditions::none();
    let initech = company::Entity::find_by_id(3)
        .one(&t.db)
        .await
        .expect("read")
        .expect("seeded");
    // Initech has a shipping address only.
    assert_eq!(
        BILLING
            .get(&t.db, &initech, &none, None)
            .await
            .expect("get"),
        None
    );
    assert_eq!(
        SHIPPING
            .get(&t.db, &initech, &none, None)
            .await
            .expect("get")
            .map(|a| a.id),
        Some(4)
    );
}
