//! The companies example over HTTP, on SQLite, PostgreSQL and MariaDB: keys
//! of every type, a `NOT NULL` foreign key, one association name on two
//! sources, and the statements a page costs.

use std::ops::Deref;

use hasone_actix::ServerHandle;
use hasone_example_companies::seed::company_id;
use hasone_testkit::{Backend, Client, TestDatabase, at, backend_tests};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

use hasone_example_companies::entities::{address, ceo, lamp, meter, site};

/// The example running over its own database.
struct App {
    client: Client,
    /// The test's own connection.
    db: DatabaseConnection,
    /// The server's database, closed before the database is dropped.
    pool: hasone_actix::Pool,
    handle: ServerHandle,
    database: TestDatabase,
}

impl Deref for App {
    type Target = Client;

    fn deref(&self) -> &Client {
        &self.client
    }
}

async fn run<F, Fut>(backend: Backend, _: (), test: F)
where
    F: FnOnce(App) -> Fut,
    Fut: Future<Output = App>,
{
    let Some(database) = TestDatabase::create(backend, &[]).await else {
        return;
    };
    let settings = hasone_actix::Settings {
        addr: "127.0.0.1:0".into(),
        database_url: Some(database.url.clone()),
        workers: 1,
        ..hasone_actix::Settings::default()
    };
    let (server, db) = hasone_example_companies::start(&settings)
        .await
        .unwrap_or_else(|e| panic!("the example failed to start on {backend:?}: {e}"));
    let url = format!("http://{}", server.local_addr());
    let handle = server.handle();
    tokio::spawn(server.into_server());
    let client = Client::new(backend, url, db.statements.clone());
    let own = hasone_testkit::connect(&database.url).await;
    let app = test(App {
        client,
        db: own,
        pool: db,
        handle,
        database,
    })
    .await;
    app.handle.stop(true).await;
    app.db.close_by_ref().await.ok();
    app.pool.close().await;
    app.database.drop_all().await;
}

backend_tests!(
    run = run;
    options = ();
    keys_of_every_type_in_ids_cursors_and_arguments,
    a_not_null_foreign_key_deletes_the_previous_target,
    set_and_unlink_through_a_text_primary_key,
    one_association_name_on_two_sources_never_mixes,
    pages_cost_one_statement_per_association,
    without_tenancy_nothing_takes_a_schema,
    unsigned_keys_up_to_their_largest_values,
    signed_narrow_keys_at_both_ends,
    read_only_tables_and_views_page_by_offset,
);

fn company(i: u128) -> String {
    format!("Company:{}", company_id(i))
}

async fn keys_of_every_type_in_ids_cursors_and_arguments(app: App) -> App {
    // UUID: a global id or the bare UUID.
    let q = "query($id: ID!) { company(id: $id) { id rowId code ceo { id companyId } } }";
    let by_global = app.data(q, json!({ "id": company(2) })).await;
    let by_row = app
        .data(q, json!({ "id": company_id(2).to_string() }))
        .await;
    assert_eq!(by_global, by_row);
    assert_eq!(
        at(&by_row, "company.rowId"),
        &json!(company_id(2).to_string())
    );
    assert_eq!(at(&by_row, "company.ceo.companyId"), &json!(company(2)));
    assert_eq!(
        app.error_code(q, json!({ "id": "Company:not-a-uuid" }))
            .await,
        "BAD_USER_INPUT"
    );
    // Text: `Country:NO` or `NO`; the key is a field of its own name too.
    let q =
        "query($id: ID!) { country(id: $id) { id rowId code capital { rowId name countryCode } } }";
    let d = app.data(q, json!({ "id": "NO" })).await;
    assert_eq!(at(&d, "country.id"), &json!("Country:NO"));
    assert_eq!(at(&d, "country.code"), &json!("NO"));
    assert_eq!(at(&d, "country.capital.name"), &json!("Oslo"));
    assert_eq!(at(&d, "country.capital.countryCode"), &json!("Country:NO"));
    assert!(at(&d, "country.capital.rowId").is_i64(), "{d}");
    assert_eq!(app.data(q, json!({ "id": "Country:NO" })).await, d);
    // `node` reaches every type by its global id.
    let capital = at(&d, "country.capital.rowId").clone();
    let q = "query($id: ID!) { node(id: $id) { __typename id } }";
    let d = app
        .data(q, json!({ "id": format!("Capital:{capital}") }))
        .await;
    assert_eq!(at(&d, "node.__typename"), &json!("Capital"));
    // UUID cursors: pages of 4 walk every company once, in key order.
    let q = "query($after: String) { companies(first: 4, after: $after) { pageInfo { hasNextPage endCursor } edges { node { rowId } } } }";
    let (mut after, mut seen) = (Value::Null, Vec::new());
    loop {
        let d = app.data(q, json!({ "after": after })).await;
        for edge in at(&d, "companies.edges").as_array().expect("edges") {
            seen.push(at(edge, "node.rowId").as_str().expect("uuid").to_owned());
        }
        if at(&d, "companies.pageInfo.hasNextPage") == &json!(false) {
            break;
        }
        after = at(&d, "companies.pageInfo.endCursor").clone();
    }
    let expected: Vec<String> = (1..=6).map(|i| company_id(i).to_string()).collect();
    assert_eq!(seen, expected);
    app
}

async fn a_not_null_foreign_key_deletes_the_previous_target(app: App) -> App {
    let ceos = || ceo::Entity::find().count(&app.db);
    let before = ceos().await.expect("count");
    // A new CEO for company 1: the previous one is deleted (its foreign key
    // cannot be null), and returned as it was.
    let q = "mutation($c: ID!) { createCompanyCeo(companyId: $c, input: { name: \"New\" }) { ceo { name companyId } previous { id name } } }";
    let d = app.data(q, json!({ "c": company(1) })).await;
    assert_eq!(at(&d, "createCompanyCeo.ceo.name"), &json!("New"));
    assert_eq!(
        at(&d, "createCompanyCeo.previous.name"),
        &json!("CEO of company 1")
    );
    assert_eq!(ceos().await.expect("count"), before);
    let gone = at(&d, "createCompanyCeo.previous.id").clone();
    let d = app
        .data(
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": gone }),
        )
        .await;
    assert_eq!(d["node"], Value::Null, "the previous CEO is deleted");
    // Unlinking is refused: nothing may point nowhere, nothing changes.
    let q = "mutation($c: ID!) { setCompanyCeo(companyId: $c, ceoId: null) { previous { id } } }";
    assert_eq!(
        app.error_code(q, json!({ "c": company(1) })).await,
        "BAD_USER_INPUT"
    );
    assert_eq!(ceos().await.expect("count"), before);
    // Moving company 2's CEO to company 1: company 1's is deleted, company
    // 2 is left without one.
    let ceo2 = ceo::Entity::find()
        .filter(ceo::Column::CompanyId.eq(company_id(2)))
        .one(&app.db)
        .await
        .expect("ceo")
        .expect("company 2 has a CEO");
    let q = "mutation($c: ID!, $ceo: ID) { setCompanyCeo(companyId: $c, ceoId: $ceo) { company { ceo { name } } previous { name } } }";
    let d = app
        .data(q, json!({ "c": company(1), "ceo": ceo2.id.to_string() }))
        .await;
    assert_eq!(
        at(&d, "setCompanyCeo.company.ceo.name"),
        &json!("CEO of company 2")
    );
    assert_eq!(at(&d, "setCompanyCeo.previous.name"), &json!("New"));
    assert_eq!(ceos().await.expect("count"), before - 1);
    let d = app
        .data(
            "query($id: ID!) { company(id: $id) { ceo { id } } }",
            json!({ "id": company(2) }),
        )
        .await;
    assert_eq!(at(&d, "company.ceo"), &Value::Null);
    // No plain `createCeo`: a CEO cannot exist without its company.
    let resp = app
        .gql(
            "mutation { createCeo(input: { name: \"x\" }) { id } }",
            json!({}),
        )
        .await;
    assert_eq!(
        resp["errors"][0]["extensions"]["code"],
        json!("GRAPHQL_VALIDATION_FAILED")
    );
    app
}

async fn set_and_unlink_through_a_text_primary_key(app: App) -> App {
    // Denmark has no capital; Copenhagen belongs to nobody.
    let d = app
        .data(
            "{ countries(first: 10) { edges { node { code capital { rowId } } } } }",
            json!({}),
        )
        .await;
    let dk = at(&d, "countries.edges")
        .as_array()
        .expect("edges")
        .iter()
        .find(|e| at(e, "node.code") == &json!("DK"))
        .cloned()
        .expect("DK");
    assert_eq!(at(&dk, "node.capital"), &Value::Null);
    let q = "mutation($c: ID!, $cap: ID) { setCountryCapital(countryId: $c, capitalId: $cap) { country { code capital { name } } capital { countryCode } previous { name } } }";
    let copenhagen = hasone_example_companies::entities::capital::Entity::find()
        .filter(hasone_example_companies::entities::capital::Column::CountryCode.is_null())
        .one(&app.db)
        .await
        .expect("capitals")
        .expect("an unlinked capital");
    let d = app
        .data(
            q,
            json!({ "c": "DK", "cap": format!("Capital:{}", copenhagen.id) }),
        )
        .await;
    assert_eq!(
        at(&d, "setCountryCapital.country.capital.name"),
        &json!("Copenhagen")
    );
    assert_eq!(
        at(&d, "setCountryCapital.capital.countryCode"),
        &json!("Country:DK")
    );
    assert_eq!(at(&d, "setCountryCapital.previous"), &Value::Null);
    // Unlinking a nullable foreign key is allowed.
    let d = app.data(q, json!({ "c": "Country:DK", "cap": null })).await;
    assert_eq!(
        at(&d, "setCountryCapital.previous.name"),
        &json!("Copenhagen")
    );
    assert_eq!(at(&d, "setCountryCapital.country.capital"), &Value::Null);
    assert_eq!(
        app.error_code(q, json!({ "c": "XX", "cap": null })).await,
        "NOT_FOUND"
    );
    app
}

async fn one_association_name_on_two_sources_never_mixes(app: App) -> App {
    // Company 6's code is `NO`, like the country: both have an `address`
    // (kind `mail`) whose foreign key holds `NO`, in another column each.
    let q = "mutation($c: ID!) { createCompanyAddress(companyId: $c, input: { street: \"Company street\", city: \"Bergen\" }) { address { street kind companyCode countryCode } } }";
    let d = app.data(q, json!({ "c": company(6) })).await;
    assert_eq!(at(&d, "createCompanyAddress.address.kind"), &json!("mail"));
    assert_eq!(
        at(&d, "createCompanyAddress.address.countryCode"),
        &Value::Null
    );
    let q = "query($c: ID!) { company(id: $c) { code address { street company { code } country { code } } headOffice { street } } \
        country(id: \"NO\") { address { street country { code } company { code } } } }";
    let (resp, statements) = app.gql_counted(q, json!({ "c": company(6) })).await;
    assert!(resp.get("errors").is_none(), "{resp}");
    assert_eq!(
        at(&resp, "data.company.address.street"),
        &json!("Company street")
    );
    assert_eq!(at(&resp, "data.company.address.company.code"), &json!("NO"));
    assert_eq!(at(&resp, "data.company.address.country"), &Value::Null);
    assert_eq!(
        at(&resp, "data.company.headOffice.street"),
        &json!("6 head street")
    );
    assert_eq!(
        at(&resp, "data.country.address.street"),
        &json!("Norway post office")
    );
    assert_eq!(at(&resp, "data.country.address.country.code"), &json!("NO"));
    assert_eq!(at(&resp, "data.country.address.company"), &Value::Null);
    // company, country; Company.address and Company.headOffice (scopes on
    // one column of addresses: one statement, two on MariaDB, whose string
    // comparison is not Rust's), Country.address (another column: its
    // own); the inverses find the company and the country already read.
    assert_eq!(statements, shared(&app, 4, 5), "{resp}");
    let addresses = address::Entity::find().count(&app.db).await.expect("count");
    assert!(addresses >= 9);
    app
}

/// Statements where scoped lookups on one string column share one, and on
/// MariaDB, where they do not (`hasone::load`).
fn shared(app: &App, sharing: u64, mariadb: u64) -> u64 {
    if app.backend == Backend::Mysql {
        mariadb
    } else {
        sharing
    }
}

async fn pages_cost_one_statement_per_association(app: App) -> App {
    let q = "{ companies(first: 6) { edges { node { ceo { name } address { street } headOffice { street } } } } }";
    let (resp, statements) = app.gql_counted(q, json!({})).await;
    assert!(resp.get("errors").is_none(), "{resp}");
    // 1 for the page + 1 per has-one field, but `address` and `headOffice`
    // (kind `mail` / `head` of one foreign key) share one, except on MariaDB.
    assert_eq!(statements, shared(&app, 3, 4));
    let edges = at(&resp, "data.companies.edges")
        .as_array()
        .expect("edges")
        .clone();
    assert_eq!(
        edges
            .iter()
            .filter(|e| at(e, "node.ceo") != &Value::Null)
            .count(),
        5
    );
    assert_eq!(
        edges
            .iter()
            .filter(|e| at(e, "node.address") != &Value::Null)
            .count(),
        3
    );
    // A nested level adds one per field; inverses to the page cost none.
    let q = "{ companies(first: 6) { edges { node { headOffice { company { ceo { company { code } } } } } } } }";
    let (resp, statements) = app.gql_counted(q, json!({})).await;
    assert!(resp.get("errors").is_none(), "{resp}");
    assert_eq!(statements, 3, "page, headOffice, ceo: {resp}");
    let q = "{ countries(first: 10) { edges { node { capital { country { address { street } } } address { street } } } } }";
    let (resp, statements) = app.gql_counted(q, json!({})).await;
    assert!(resp.get("errors").is_none(), "{resp}");
    // page, capital, address; capital.country is the page's, and its
    // address the same key as the page's own address field.
    assert_eq!(statements, 3, "{resp}");
    app
}

/// The registry declares no tenancy: no field or mutation has a `schema`
/// argument, and each association gave its source a field and its target
/// the inverse.
async fn without_tenancy_nothing_takes_a_schema(app: App) -> App {
    let d = app
        .data(
            "{ __schema { types { name fields { name args { name } } } } }",
            json!({}),
        )
        .await;
    let types = d["__schema"]["types"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let mut with_schema = Vec::new();
    for ty in &types {
        for field in ty["fields"].as_array().into_iter().flatten() {
            let args = field["args"].as_array().into_iter().flatten();
            if args.clone().any(|a| a["name"] == json!("schema")) {
                with_schema.push(format!("{}.{}", ty["name"], field["name"]));
            }
        }
    }
    assert!(with_schema.is_empty(), "{with_schema:?}");
    let fields = |name: &str| -> Vec<String> {
        types
            .iter()
            .find(|t| t["name"] == json!(name))
            .and_then(|t| t["fields"].as_array())
            .into_iter()
            .flatten()
            .filter_map(|f| f["name"].as_str().map(str::to_owned))
            .collect()
    };
    let company = fields("Company");
    for field in ["ceo", "address", "headOffice"] {
        assert!(company.iter().any(|f| f == field), "{field} in {company:?}");
    }
    let address = fields("Address");
    for field in ["company", "country"] {
        assert!(address.iter().any(|f| f == field), "{field} in {address:?}");
    }
    let mutations = fields("Mutation");
    for field in [
        "setCompanyCeo",
        "setCompanyHeadOffice",
        "createCountryAddress",
    ] {
        assert!(mutations.iter().any(|f| f == field), "{field}");
    }
    app
}

/// The application's schema speaks of its own types only: no word of the
/// demo (its types, `User:42`, tenant schemas the registry does not have,
/// hasone's own root names).
#[test]
fn the_schema_speaks_of_the_application_alone() {
    let sdl = hasone_example_companies::app::schema().finish().sdl();
    for word in [
        "User", "Profile", "Project", "Setting", "Billing", "Shipping", "tenant", "HasOne", ":42`",
    ] {
        let lines: Vec<&str> = sdl.lines().filter(|l| l.contains(word)).collect();
        assert!(lines.is_empty(), "{word:?} in {lines:#?}");
    }
    assert!(sdl.contains("such as `Company:1`"), "{sdl}");
    for root in [
        "query: Query",
        "mutation: Mutation",
        "subscription: Subscription",
    ] {
        assert!(sdl.contains(root), "{root}: {sdl}");
    }
    // The merged roots have every field of hasone's.
    for field in [
        "companies(",
        "node(",
        "setCompanyCeo(",
        "createCountryAddress(",
    ] {
        assert!(sdl.contains(field), "{field}: {sdl}");
    }
}

/// `Site` (`u16` key) has one `Meter` (`u32` key, `u32` foreign key), at
/// the largest values of both types, over HTTP. SeaORM reads no unsigned
/// field on PostgreSQL (`u16 unsupported by sqlx-postgres`; a `u32` reads
/// an `integer`, the migration writes `bigint`): there, only that.
async fn unsigned_keys_up_to_their_largest_values(app: App) -> App {
    if app.backend == Backend::Postgres {
        let resp = app
            .gql(
                "{ sites(first: 1) { edges { node { rowId } } } }",
                json!({}),
            )
            .await;
        assert_eq!(
            resp["errors"][0]["extensions"]["code"],
            json!("INTERNAL"),
            "{resp}"
        );
        // SeaORM itself, without hasone: the rows are there, unreadable.
        let sites = site::Entity::find().all(&app.db).await;
        let err = sites.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.contains("u16 unsupported by sqlx-postgres"), "{err}");
        assert!(meter::Entity::find().all(&app.db).await.is_err());
        assert_eq!(site::Entity::find().count(&app.db).await.ok(), Some(3));
        return app;
    }
    // A page and every site's meter: two statements; the `u32` foreign key
    // of meter 4294967295 finds site 65535 and back.
    let q = "{ sites(first: 10) { edges { node { id rowId meter { id rowId siteId site { rowId } } } } } }";
    let (resp, statements) = app.gql_counted(q, json!({})).await;
    assert!(resp.get("errors").is_none(), "{resp}");
    assert_eq!(statements, 2, "{resp}");
    let nodes: Vec<Value> = at(&resp, "data.sites.edges")
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| e["node"].clone())
        .collect();
    assert_eq!(
        nodes,
        [
            json!({ "id": "Site:1", "rowId": 1, "meter": { "id": "Meter:1", "rowId": 1, "siteId": "Site:1", "site": { "rowId": 1 } } }),
            json!({ "id": "Site:300", "rowId": 300, "meter": null }),
            json!({ "id": "Site:65535", "rowId": 65535, "meter": {
                "id": "Meter:4294967295", "rowId": 4_294_967_295u32, "siteId": "Site:65535", "site": { "rowId": 65535 } } }),
        ]
    );
    // `node` and `site` by global or bare ids at the largest values.
    let q =
        "query($id: ID!) { node(id: $id) { __typename id ... on Meter { rowId site { name } } } }";
    let d = app.data(q, json!({ "id": "Meter:4294967295" })).await;
    assert_eq!(at(&d, "node.rowId"), &json!(4_294_967_295u32));
    assert_eq!(at(&d, "node.site.name"), &json!("Far plant"));
    let q = "query($id: ID!) { site(id: $id) { rowId meter { serial } } }";
    let d = app.data(q, json!({ "id": "65535" })).await;
    assert_eq!(at(&d, "site.meter.serial"), &json!("M-4294967295"));
    // Ids no `u16` or `u32` holds are bad input, not a database error.
    for id in ["-1", "65536", "Site:65536", "Site:-1", "Site:1.0"] {
        assert_eq!(
            app.error_code(q, json!({ "id": id })).await,
            "BAD_USER_INPUT",
            "{id}"
        );
    }
    let set = "mutation($s: ID!, $m: ID) { setSiteMeter(siteId: $s, meterId: $m) { site { rowId meter { rowId } } meter { rowId siteId } previous { rowId siteId } } }";
    for (s, m) in [
        ("Site:65536", "Meter:1"),
        ("Site:1", "Meter:4294967296"),
        ("Site:1", "-1"),
    ] {
        assert_eq!(
            app.error_code(set, json!({ "s": s, "m": m })).await,
            "BAD_USER_INPUT",
            "{s} {m}"
        );
    }
    // `set`: the unlinked meter 7 to site 300.
    let d = app
        .data(set, json!({ "s": "Site:300", "m": "Meter:7" }))
        .await;
    assert_eq!(at(&d, "setSiteMeter.site.meter.rowId"), &json!(7));
    assert_eq!(at(&d, "setSiteMeter.meter.siteId"), &json!("Site:300"));
    assert_eq!(at(&d, "setSiteMeter.previous"), &Value::Null);
    // Meter 4294967295 moves to site 300: meter 7 is the previous one,
    // site 65535 is left without.
    let d = app
        .data(set, json!({ "s": "300", "m": "4294967295" }))
        .await;
    assert_eq!(
        at(&d, "setSiteMeter.site.meter.rowId"),
        &json!(4_294_967_295u32)
    );
    assert_eq!(
        at(&d, "setSiteMeter.previous"),
        &json!({ "rowId": 7, "siteId": null })
    );
    let d = app
        .data(
            "{ site(id: \"Site:65535\") { meter { rowId } } }",
            json!({}),
        )
        .await;
    assert_eq!(at(&d, "site.meter"), &Value::Null);
    // Unlink.
    let d = app.data(set, json!({ "s": "Site:300", "m": null })).await;
    assert_eq!(
        at(&d, "setSiteMeter.previous"),
        &json!({ "rowId": 4_294_967_295u32, "siteId": null })
    );
    assert_eq!(at(&d, "setSiteMeter.site.meter"), &Value::Null);
    // `create` with the largest ids an input holds; one past is refused.
    let create = "mutation($s: ID!, $id: Int!) { createSiteMeter(siteId: $s, input: { id: $id, serial: \"M-new\" }) { meter { id rowId siteId site { rowId } } previous { rowId } } }";
    let d = app
        .data(create, json!({ "s": "Site:65535", "id": 4_294_967_294u32 }))
        .await;
    assert_eq!(
        at(&d, "createSiteMeter.meter"),
        &json!({ "id": "Meter:4294967294", "rowId": 4_294_967_294u32, "siteId": "Site:65535", "site": { "rowId": 65535 } })
    );
    assert_eq!(at(&d, "createSiteMeter.previous"), &Value::Null);
    let stored = meter::Entity::find_by_id(4_294_967_294u32)
        .one(&app.db)
        .await
        .expect("meters")
        .expect("the new meter");
    assert_eq!(stored.site_id, Some(65_535));
    let resp = app
        .gql(create, json!({ "s": "Site:1", "id": 4_294_967_296u64 }))
        .await;
    assert_eq!(
        resp["errors"][0]["extensions"]["code"],
        json!("BAD_USER_INPUT"),
        "{resp}"
    );
    let site = "mutation($id: Int!) { createSite(input: { id: $id, name: \"New\" }) { id rowId } }";
    let d = app.data(site, json!({ "id": 65_534 })).await;
    assert_eq!(
        at(&d, "createSite"),
        &json!({ "id": "Site:65534", "rowId": 65534 })
    );
    for id in [65_536, -1] {
        assert_eq!(
            app.error_code(site, json!({ "id": id })).await,
            "BAD_USER_INPUT",
            "{id}"
        );
    }
    app
}

/// `Desk` (`i16` key) has one `Lamp` (`i16` foreign key), at both ends of
/// `i16`, on every backend.
async fn signed_narrow_keys_at_both_ends(app: App) -> App {
    let q =
        "{ desks(first: 10) { edges { node { id rowId lamp { name deskId desk { rowId } } } } } }";
    let (resp, statements) = app.gql_counted(q, json!({})).await;
    assert!(resp.get("errors").is_none(), "{resp}");
    assert_eq!(statements, 2, "{resp}");
    let nodes: Vec<Value> = at(&resp, "data.desks.edges")
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| e["node"].clone())
        .collect();
    assert_eq!(
        nodes,
        [
            json!({ "id": "Desk:-32768", "rowId": -32768, "lamp": null }),
            json!({ "id": "Desk:1", "rowId": 1, "lamp": null }),
            json!({ "id": "Desk:32767", "rowId": 32767, "lamp": {
                "name": "Green lamp", "deskId": "Desk:32767", "desk": { "rowId": 32767 } } }),
        ]
    );
    let q = "query($id: ID!) { node(id: $id) { __typename ... on Desk { rowId name } } }";
    let d = app.data(q, json!({ "id": "Desk:-32768" })).await;
    assert_eq!(
        at(&d, "node"),
        &json!({ "__typename": "Desk", "rowId": -32768, "name": "Cellar desk" })
    );
    let q = "query($id: ID!) { desk(id: $id) { rowId } }";
    for id in ["32768", "Desk:-32769", "Desk:x"] {
        assert_eq!(
            app.error_code(q, json!({ "id": id })).await,
            "BAD_USER_INPUT",
            "{id}"
        );
    }
    let spare = lamp::Entity::find()
        .filter(lamp::Column::DeskId.is_null())
        .one(&app.db)
        .await
        .expect("lamps")
        .expect("a lamp on no desk");
    let set = "mutation($d: ID!, $l: ID) { setDeskLamp(deskId: $d, lampId: $l) { desk { lamp { name } } lamp { deskId } previous { name deskId } } }";
    let d = app
        .data(
            set,
            json!({ "d": "Desk:-32768", "l": format!("Lamp:{}", spare.id) }),
        )
        .await;
    assert_eq!(at(&d, "setDeskLamp.desk.lamp.name"), &json!("Spare lamp"));
    assert_eq!(at(&d, "setDeskLamp.lamp.deskId"), &json!("Desk:-32768"));
    assert_eq!(at(&d, "setDeskLamp.previous"), &Value::Null);
    let d = app.data(set, json!({ "d": "-32768", "l": null })).await;
    assert_eq!(
        at(&d, "setDeskLamp.previous"),
        &json!({ "name": "Spare lamp", "deskId": null })
    );
    assert_eq!(
        app.error_code(set, json!({ "d": "Desk:32768", "l": null }))
            .await,
        "BAD_USER_INPUT"
    );
    // `create` replaces the corner desk's lamp; the old one is unlinked.
    let create = "mutation($d: ID!) { createDeskLamp(deskId: $d, input: { name: \"Blue lamp\" }) { lamp { name desk { rowId } } previous { name deskId } } }";
    let d = app.data(create, json!({ "d": "Desk:32767" })).await;
    assert_eq!(
        at(&d, "createDeskLamp"),
        &json!({ "lamp": { "name": "Blue lamp", "desk": { "rowId": 32767 } }, "previous": { "name": "Green lamp", "deskId": null } })
    );
    let linked = lamp::Entity::find()
        .filter(lamp::Column::DeskId.eq(i16::MAX))
        .all(&app.db)
        .await
        .expect("lamps");
    assert_eq!(linked.len(), 1);
    assert_eq!(linked[0].name, "Blue lamp");
    let desk = "mutation($id: Int!) { createDesk(input: { id: $id, name: \"New\" }) { rowId } }";
    assert_eq!(
        app.error_code(desk, json!({ "id": 32_768 })).await,
        "BAD_USER_INPUT"
    );
    let d = app.data(desk, json!({ "id": -2 })).await;
    assert_eq!(at(&d, "createDesk.rowId"), &json!(-2));
    app
}

/// `readings` (no primary key, two equal rows) and `desk_names` (a view),
/// registered read-only: pages walk every row once in column order, with
/// offsets for cursors, one statement a page; no ids, no `node`, no CRUD.
async fn read_only_tables_and_views_page_by_offset(app: App) -> App {
    use hasone_example_companies::seed::READINGS;
    let q = "query($after: String) { readings(first: 2, after: $after) { totalCount pageInfo { hasPreviousPage hasNextPage startCursor endCursor } edges { cursor node { deskId lux note } } } }";
    let (mut after, mut seen, mut cursors) = (Value::Null, Vec::new(), Vec::new());
    loop {
        let d = app.data(q, json!({ "after": after })).await;
        assert_eq!(at(&d, "readings.totalCount"), &json!(5));
        assert_eq!(
            at(&d, "readings.pageInfo.hasPreviousPage"),
            &json!(after != Value::Null)
        );
        let edges = at(&d, "readings.edges").as_array().expect("edges");
        assert_eq!(
            at(&d, "readings.pageInfo.startCursor"),
            at(&edges[0], "cursor")
        );
        for edge in edges {
            cursors.push(at(edge, "cursor").clone());
            seen.push(at(edge, "node").clone());
        }
        if at(&d, "readings.pageInfo.hasNextPage") == &json!(false) {
            break;
        }
        after = at(&d, "readings.pageInfo.endCursor").clone();
    }
    let mut expected: Vec<_> = READINGS.to_vec();
    expected.sort();
    let expected: Vec<Value> = expected
        .iter()
        .map(|(desk, lux, note)| json!({ "deskId": desk, "lux": lux, "note": note }))
        .collect();
    assert_eq!(seen, expected);
    let unique: std::collections::HashSet<String> = cursors.iter().map(|c| c.to_string()).collect();
    assert_eq!(unique.len(), 5, "one cursor per row: {cursors:?}");
    // One statement a page (no key to prime, nothing to prefetch).
    let (resp, statements) = app
        .gql_counted(
            "{ readings(first: 3) { edges { node { lux } } } }",
            json!({}),
        )
        .await;
    assert!(resp.get("errors").is_none(), "{resp}");
    assert_eq!(statements, 1, "{resp}");
    // The view reads what its table holds.
    let d = app
        .data(
            "{ deskNames(first: 10) { edges { node { id name } } } }",
            json!({}),
        )
        .await;
    let names: Vec<Value> = at(&d, "deskNames.edges")
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| at(e, "node").clone())
        .collect();
    let desks = hasone_example_companies::entities::desk::Entity::find()
        .all(&app.db)
        .await
        .expect("desks");
    let mut expected: Vec<Value> = desks
        .iter()
        .map(|d| json!({ "id": d.id, "name": d.name }))
        .collect();
    expected.sort_by_key(|d| d["id"].as_i64());
    assert_eq!(names, expected);
    // No ids: not a field, not a node, not a cursor of another kind.
    assert_eq!(
        app.error_code("{ readings { edges { node { id } } } }", json!({}))
            .await,
        "GRAPHQL_VALIDATION_FAILED"
    );
    let resp = app
        .gql("{ node(id: \"Reading:1\") { __typename } }", json!({}))
        .await;
    assert_eq!(
        at(&resp, "errors.0.extensions.code"),
        &json!("BAD_USER_INPUT"),
        "{resp}"
    );
    assert!(
        at(&resp, "errors.0.message")
            .as_str()
            .is_some_and(|m| m.contains("have no ids")),
        "{resp}"
    );
    assert_eq!(at(&resp, "data.node"), &Value::Null, "{resp}");
    for cursor in ["after:1", "offset:-1", "offset:9223372036854775807"] {
        assert_eq!(
            app.error_code(
                "query($a: String) { readings(after: $a) { totalCount } }",
                json!({ "a": cursor })
            )
            .await,
            "BAD_USER_INPUT",
            "{cursor}"
        );
    }
    // A cursor past the end is an empty page.
    let d = app
        .data(
            "{ readings(after: \"offset:40\") { pageInfo { hasNextPage endCursor } edges { cursor } } }",
            json!({}),
        )
        .await;
    assert_eq!(at(&d, "readings.edges"), &json!([]));
    assert_eq!(at(&d, "readings.pageInfo.endCursor"), &Value::Null);
    // Read-only: no mutation, and not a `Node`.
    let sdl = hasone_example_companies::app::schema().finish().sdl();
    for absent in [
        "createReading",
        "updateReading",
        "deleteReading",
        "createDeskName",
    ] {
        assert!(!sdl.contains(absent), "{absent}");
    }
    assert!(sdl.contains("type Reading {"), "{sdl}");
    assert!(sdl.contains("type DeskName {"), "{sdl}");
    app
}
