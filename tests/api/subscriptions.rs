//! Subscriptions over graphql-transport-ws: `<source><Assoc>Changed`
//! delivers every committed change of one source's link, in commit order,
//! and nothing for a mutation that failed; the WebSocket has the bounds
//! of HTTP and a few of its own.

use hasone_tests::{Backend, Closed, Options, Subscriber, TestApp, at, backend_tests, run_with};
use serde_json::{Value, json};

/// How long a close may take to come.
const BOUND: std::time::Duration = std::time::Duration::from_secs(10);

use crate::{profile_of, unlinked_profile};

backend_tests!(
    changes_of_a_source_arrive_in_commit_order,
    a_target_taken_from_its_source_is_a_change_of_that_source,
    deleting_the_source_or_its_target_is_a_change,
    nested_fields_of_an_event_read_the_database,
);

const PROFILE_CHANGED: &str = "subscription($u: ID!, $current: Boolean) { \
    userProfileChanged(userId: $u, current: $current) { \
    user { rowId } profile { rowId userId bio } previous { rowId userId bio } } }";

const SET_PROFILE: &str =
    "mutation($u: ID!, $p: ID) { setUserProfile(userId: $u, profileId: $p) { profile { rowId } } }";

const CREATE_PROFILE: &str = "mutation($u: ID!, $bio: String!) { \
    createUserProfile(userId: $u, input: { bio: $bio }) { profile { rowId } } }";

/// The `userProfileChanged` of an event.
fn change(event: &Value) -> &Value {
    assert!(event.get("errors").is_none(), "{event}");
    &event["data"]["userProfileChanged"]
}

fn row_id(value: &Value, path: &str) -> Option<i64> {
    at(value, path).as_i64()
}

/// Subscribes to `user`'s profile, its current link first; returns the
/// current profile's id.
async fn subscribe(app: &TestApp, ws: &mut Subscriber, user: i32) -> Option<i64> {
    ws.subscribe(
        "p",
        PROFILE_CHANGED,
        json!({ "u": format!("User:{user}"), "current": true }),
    )
    .await;
    let first = ws.event("p").await;
    let current = change(&first);
    assert_eq!(row_id(current, "user.rowId"), Some(i64::from(user)));
    assert_eq!(current["previous"], Value::Null, "{first}");
    let linked = row_id(current, "profile.rowId");
    assert_eq!(linked, profile_of(app, user).await.map(i64::from));
    linked
}

async fn changes_of_a_source_arrive_in_commit_order(app: TestApp) -> TestApp {
    let mut ws = Subscriber::connect(&app.url).await;
    let old = subscribe(&app, &mut ws, 1)
        .await
        .expect("user 1 has a profile");
    let new = unlinked_profile(&app).await;

    // set: the new profile, and the old one as it reads unlinked.
    app.data(SET_PROFILE, json!({ "u": "User:1", "p": new.to_string() }))
        .await;
    let event = ws.event("p").await;
    let c = change(&event);
    assert_eq!(row_id(c, "profile.rowId"), Some(i64::from(new)), "{event}");
    assert_eq!(at(c, "profile.userId"), &json!("User:1"));
    assert_eq!(row_id(c, "previous.rowId"), Some(old), "{event}");
    assert_eq!(at(c, "previous.userId"), &Value::Null);

    // Nothing for: a mutation that failed inside its transaction (the
    // source was locked, the target is not there), a `set` of the profile
    // already linked, and a change of another user.
    let code = app
        .error_code(SET_PROFILE, json!({ "u": "User:1", "p": "Profile:999999" }))
        .await;
    assert_eq!(code, "NOT_FOUND");
    app.data(SET_PROFILE, json!({ "u": "User:1", "p": new.to_string() }))
        .await;
    app.data(SET_PROFILE, json!({ "u": "User:2", "p": null }))
        .await;

    // create: the next event is the new row, with its values.
    let created = app
        .data(
            CREATE_PROFILE,
            json!({ "u": "User:1", "bio": "written by create" }),
        )
        .await;
    let created = row_id(&created, "createUserProfile.profile.rowId").expect("created");
    let event = ws.event("p").await;
    let c = change(&event);
    assert_eq!(row_id(c, "profile.rowId"), Some(created), "{event}");
    assert_eq!(at(c, "profile.bio"), &json!("written by create"));
    assert_eq!(row_id(c, "previous.rowId"), Some(i64::from(new)), "{event}");

    // unlink.
    app.data(SET_PROFILE, json!({ "u": "User:1", "p": null }))
        .await;
    let event = ws.event("p").await;
    let c = change(&event);
    assert_eq!(c["profile"], Value::Null, "{event}");
    assert_eq!(row_id(c, "previous.rowId"), Some(created), "{event}");
    assert_eq!(at(c, "previous.userId"), &Value::Null);

    // Unlinking again: nothing was linked, nothing is written, nothing
    // is delivered (the burst's first event comes next).
    app.data(SET_PROFILE, json!({ "u": "User:1", "p": null }))
        .await;

    // A burst: every change, in the order the mutations committed.
    let mut expected = Vec::new();
    for round in 0..6 {
        let target = if round % 2 == 0 { new } else { created as i32 };
        app.data(
            SET_PROFILE,
            json!({ "u": "User:1", "p": target.to_string() }),
        )
        .await;
        expected.push(i64::from(target));
    }
    let mut seen = Vec::new();
    for _ in &expected {
        let event = ws.event("p").await;
        seen.push(row_id(change(&event), "profile.rowId").unwrap_or_default());
    }
    assert_eq!(seen, expected);
    // And nothing more.
    let extra = ws.next_within(std::time::Duration::from_millis(300)).await;
    assert_eq!(extra, Ok(None));
    ws.close().await;
    app
}

async fn a_target_taken_from_its_source_is_a_change_of_that_source(app: TestApp) -> TestApp {
    // User 2's profile moves to user 1: user 2 hears that it lost it.
    let mut ws = Subscriber::connect(&app.url).await;
    let taken = subscribe(&app, &mut ws, 2)
        .await
        .expect("user 2 has a profile");
    app.data(
        SET_PROFILE,
        json!({ "u": "User:1", "p": taken.to_string() }),
    )
    .await;
    let event = ws.event("p").await;
    let c = change(&event);
    assert_eq!(row_id(c, "user.rowId"), Some(2), "{event}");
    assert_eq!(c["profile"], Value::Null, "{event}");
    assert_eq!(row_id(c, "previous.rowId"), Some(taken), "{event}");
    assert_eq!(at(c, "previous.userId"), &json!("User:1"), "{event}");

    // User 5's shipping address becomes its billing address: one foreign
    // key, two associations; the shipping one lost it.
    let shipping = crate::address_of(&app, 5, "shipping")
        .await
        .expect("user 5 has a shipping address");
    ws.subscribe(
        "ship",
        "subscription { userShippingAddressChanged(userId: \"User:5\") { \
            shippingAddress { rowId } previous { rowId kind } } }",
        json!({}),
    )
    .await;
    // Listening: a `current` subscription on the same connection answers
    // after it, and operations start in order.
    ws.subscribe(
        "p5",
        PROFILE_CHANGED,
        json!({ "u": "User:5", "current": true }),
    )
    .await;
    ws.event("p5").await;
    app.data(
        "mutation($a: ID!) { setUserBillingAddress(userId: \"User:5\", billingAddressId: $a) { billingAddress { rowId kind } } }",
        json!({ "a": format!("Address:{shipping}") }),
    )
    .await;
    let event = ws.event("ship").await;
    let c = &event["data"]["userShippingAddressChanged"];
    assert_eq!(c["shippingAddress"], Value::Null, "{event}");
    assert_eq!(
        row_id(c, "previous.rowId"),
        Some(i64::from(shipping)),
        "{event}"
    );
    assert_eq!(at(c, "previous.kind"), &json!("BILLING"), "{event}");

    // Deleting user 7's shipping address is a change of its shipping
    // association only: the billing subscriber hears its own next change
    // first.
    ws.subscribe(
        "bill",
        "subscription { userBillingAddressChanged(userId: \"User:7\", current: true) { \
            billingAddress { rowId } previous { rowId } } }",
        json!({}),
    )
    .await;
    let first = ws.event("bill").await;
    let billing = at(
        &first,
        "data.userBillingAddressChanged.billingAddress.rowId",
    )
    .clone();
    let shipping7 = crate::address_of(&app, 7, "shipping")
        .await
        .expect("user 7 ships");
    app.data(
        "mutation($id: ID!) { deleteAddress(id: $id) }",
        json!({ "id": format!("Address:{shipping7}") }),
    )
    .await;
    app.data(
        "mutation { setUserBillingAddress(userId: \"User:7\", billingAddressId: null) { previous { rowId } } }",
        json!({}),
    )
    .await;
    let event = ws.event("bill").await;
    let c = &event["data"]["userBillingAddressChanged"];
    assert_eq!(c["billingAddress"], Value::Null, "{event}");
    assert_eq!(at(c, "previous.rowId"), &billing, "{event}");
    ws.close().await;
    app
}

async fn deleting_the_source_or_its_target_is_a_change(app: TestApp) -> TestApp {
    let mut ws = Subscriber::connect(&app.url).await;
    let linked = subscribe(&app, &mut ws, 3)
        .await
        .expect("user 3 has a profile");

    // The linked target deleted: the source has none, `previous` is the row
    // as it read before.
    let bio = app
        .data(
            "query($id: ID!) { node(id: $id) { ... on Profile { bio } } }",
            json!({ "id": format!("Profile:{linked}") }),
        )
        .await;
    app.data(
        "mutation($id: ID!) { deleteProfile(id: $id) }",
        json!({ "id": format!("Profile:{linked}") }),
    )
    .await;
    let event = ws.event("p").await;
    let c = change(&event);
    assert_eq!(c["profile"], Value::Null, "{event}");
    assert_eq!(row_id(c, "previous.rowId"), Some(linked), "{event}");
    assert_eq!(at(c, "previous.userId"), &json!("User:3"));
    assert_eq!(at(c, "previous.bio"), at(&bio, "node.bio"));

    // A new one, then the source deleted: its profile stays, unlinked
    // (`ON DELETE SET NULL`), and the event shows the user as it was.
    let created = app
        .data(CREATE_PROFILE, json!({ "u": "User:3", "bio": "kept" }))
        .await;
    let created = row_id(&created, "createUserProfile.profile.rowId").expect("created");
    ws.event("p").await;
    app.data("mutation { deleteUser(id: \"User:3\") }", json!({}))
        .await;
    let event = ws.event("p").await;
    let c = change(&event);
    assert_eq!(row_id(c, "user.rowId"), Some(3), "{event}");
    assert_eq!(c["profile"], Value::Null, "{event}");
    assert_eq!(row_id(c, "previous.rowId"), Some(created), "{event}");
    assert_eq!(at(c, "previous.userId"), &Value::Null, "{event}");
    let row = app
        .data(
            "query($id: ID!) { node(id: $id) { ... on Profile { userId } } }",
            json!({ "id": format!("Profile:{created}") }),
        )
        .await;
    assert_eq!(at(&row, "node.userId"), &Value::Null);

    // A subscription of a source that is not there is an error.
    ws.subscribe("gone", PROFILE_CHANGED, json!({ "u": "User:3" }))
        .await;
    let event = ws.event("gone").await;
    assert_eq!(
        at(&event, "errors.0.extensions.code"),
        &json!("NOT_FOUND"),
        "{event}"
    );
    let done = ws.next().await;
    assert_eq!(
        (&done["type"], &done["id"]),
        (&json!("complete"), &json!("gone"))
    );
    ws.close().await;
    app
}

async fn nested_fields_of_an_event_read_the_database(app: TestApp) -> TestApp {
    // The settings of user 4 go by its handle (a source key that is not
    // the primary key), and `user.settings` inside the event is read.
    let mut ws = Subscriber::connect(&app.url).await;
    ws.subscribe(
        "s",
        "subscription { userSettingsChanged(userId: \"User:4\", current: true) { \
            user { handle settings { rowId } } settings { rowId userHandle } previous { rowId } } }",
        json!({}),
    )
    .await;
    let first = ws.event("s").await;
    assert!(first.get("errors").is_none(), "{first}");
    // A new handle: the settings follow it (`ON UPDATE CASCADE`), the link
    // stays, nothing is delivered. No handle: they are unlinked, and that
    // is a change.
    let had = at(&first, "data.userSettingsChanged.settings.rowId").clone();
    assert!(had.is_i64(), "user 4 has settings: {first}");
    app.data(
        "mutation { updateUser(id: \"User:4\", input: { handle: \"renamed-4\" }) { handle settings { rowId } } }",
        json!({}),
    )
    .await;
    app.data(
        "mutation { updateUser(id: \"User:4\", input: { handle: null }) { handle } }",
        json!({}),
    )
    .await;
    let event = ws.event("s").await;
    let c = &event["data"]["userSettingsChanged"];
    assert_eq!(c["settings"], Value::Null, "{event}");
    assert_eq!(at(c, "previous.rowId"), &had, "{event}");
    assert_eq!(at(c, "user.handle"), &Value::Null, "{event}");
    app.data(
        "mutation { updateUser(id: \"User:4\", input: { handle: \"user4\" }) { handle } }",
        json!({}),
    )
    .await;
    let settings = app
        .data(
            "mutation { createUserSettings(userId: \"User:4\", input: { theme: DARK, notifications: true }) { settings { rowId } } }",
            json!({}),
        )
        .await;
    let event = ws.next().await;
    let c = &event["payload"]["data"]["userSettingsChanged"];
    let linked = row_id(c, "settings.rowId").expect("settings");
    assert_eq!(
        Some(linked),
        row_id(&settings, "createUserSettings.settings.rowId")
    );
    // The settings it had were unlinked above.
    assert_eq!(c["previous"], Value::Null, "{event}");
    assert_eq!(at(c, "user.settings.rowId"), &json!(linked), "{event}");
    let handle = at(c, "user.handle").clone();
    assert_eq!(at(c, "settings.userHandle"), &handle, "{event}");
    ws.close().await;
    app
}

/// The WebSocket's own bounds, on SQLite (the transport is the same on
/// every backend).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_websocket_is_bounded_like_http() {
    let options = Options {
        configure: |settings| settings.server.limits.max_subscriptions = 2,
        ..Options::default()
    };
    run_with(Backend::Sqlite, options, websocket_bounds).await;
}

async fn websocket_bounds(app: TestApp) -> TestApp {
    // Another site's page: refused before the upgrade.
    let refused = Subscriber::open(&app.url, &[("origin", "https://evil.example")]).await;
    let message = refused.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(message.contains("403"), "{message}");
    // The server's own page, and a configured client without a browser.
    let host = app.url.trim_start_matches("http://").to_owned();
    let own = format!("http://{host}");
    assert!(
        Subscriber::open(&app.url, &[("origin", &own)])
            .await
            .is_ok()
    );

    // `subscribe` before `connection_init`: 4401.
    let mut ws = Subscriber::open(&app.url, &[]).await.expect("open");
    ws.subscribe("a", PROFILE_CHANGED, json!({ "u": "User:1" }))
        .await;
    let closed = ws.next_within(BOUND).await;
    assert!(matches!(closed, Err(Closed::Frame(4401, _))), "{closed:?}");

    // Not a message of the protocol: 4400.
    let query = "{ user(id: 1) { id } }";
    for bad in [
        "not json".to_owned(),
        json!({ "type": "shout" }).to_string(),
        json!({ "type": "subscribe", "payload": { "query": query } }).to_string(),
        json!({ "id": "a", "type": "subscribe" }).to_string(),
        json!({ "id": "a", "type": "subscribe", "payload": { "query": null } }).to_string(),
        json!({ "id": "", "type": "subscribe", "payload": { "query": query } }).to_string(),
        json!({ "id": "x".repeat(60_000), "type": "subscribe", "payload": { "query": query } })
            .to_string(),
        json!({ "id": "x".repeat(129), "type": "complete" }).to_string(),
    ] {
        let mut ws = Subscriber::connect(&app.url).await;
        ws.send_text(&bad).await;
        let closed = ws.next_within(BOUND).await;
        assert!(
            matches!(closed, Err(Closed::Frame(4400, _))),
            "{bad}: {closed:?}"
        );
    }

    // An id of the protocol's size passes.
    let mut ws = Subscriber::connect(&app.url).await;
    let longest = "i".repeat(128);
    ws.subscribe(&longest, query, json!({})).await;
    assert_eq!(
        at(&ws.event(&longest).await, "data.user.id"),
        &json!("User:1")
    );
    assert_eq!(ws.next().await["type"], "complete");
    ws.close().await;

    // An id that is running: 4409.
    let mut ws = Subscriber::connect(&app.url).await;
    ws.subscribe("same", PROFILE_CHANGED, json!({ "u": "User:1" }))
        .await;
    ws.subscribe("same", PROFILE_CHANGED, json!({ "u": "User:2" }))
        .await;
    let closed = ws.next_within(BOUND).await;
    assert_eq!(
        closed,
        Err(Closed::Frame(
            4409,
            "Subscriber for same already exists".into()
        ))
    );

    // Binary frames are not the protocol's: 1003.
    let mut ws = Subscriber::connect(&app.url).await;
    let subscribe = json!({ "id": "b", "type": "subscribe", "payload": { "query": query } });
    ws.send_binary(subscribe.to_string().as_bytes()).await;
    let closed = ws.next_within(BOUND).await;
    assert!(matches!(closed, Err(Closed::Frame(1003, _))), "{closed:?}");

    // A subscription selects one root field (spec: "Single root field").
    let mut ws = Subscriber::connect(&app.url).await;
    for (id, two) in [
        (
            "two",
            "subscription { a: userProfileChanged(userId: 1) { user { id } } b: userProfileChanged(userId: 2) { user { id } } }",
        ),
        (
            "fragment",
            "subscription { userProfileChanged(userId: 1) { user { id } } ...F } fragment F on Subscription { userBillingAddressChanged(userId: 1) { user { id } } }",
        ),
        ("typename", "subscription { __typename }"),
    ] {
        ws.subscribe(id, two, json!({})).await;
        let event = ws.event(id).await;
        assert_eq!(
            at(&event, "errors.0.extensions.code"),
            &json!("GRAPHQL_VALIDATION_FAILED"),
            "{event}"
        );
        assert!(event.get("data").is_none_or(Value::is_null), "{event}");
        assert_eq!(ws.next().await["type"], "complete");
    }
    ws.close().await;

    // DNS rebinding: the attacker's name for this server, in the Host and
    // the Origin alike, is refused before the upgrade, as over HTTP.
    let rebound = Subscriber::open(
        &app.url,
        &[("host", "evil.example"), ("origin", "http://evil.example")],
    )
    .await;
    let message = rebound.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(message.contains("400"), "{message}");

    // A frame over HASONE_MAX_BODY_BYTES (64 KiB): closed with 1009.
    let mut ws = Subscriber::connect(&app.url).await;
    ws.send_text(&"x".repeat(100_000)).await;
    let closed = ws.next_within(BOUND).await;
    assert!(matches!(closed, Err(Closed::Frame(1009, _))), "{closed:?}");

    let mut ws = Subscriber::connect(&app.url).await;
    // Nesting far past the depth limit is refused before it is parsed
    // into a tree, as over HTTP.
    let deep = format!(
        "subscription {{ userProfileChanged(userId: {}1{}) {{ user {{ id }} }} }}",
        "[".repeat(5000),
        "]".repeat(5000)
    );
    ws.subscribe("deep", &deep, json!({})).await;
    let event = ws.event("deep").await;
    assert_eq!(
        at(&event, "errors.0.extensions.code"),
        &json!("LIMIT_EXCEEDED"),
        "{event}"
    );
    assert_eq!(ws.next().await["type"], "complete");

    // A query over the socket answers once, as over POST.
    ws.subscribe("q", "{ user(id: 1) { rowId } }", json!({}))
        .await;
    let event = ws.event("q").await;
    assert_eq!(at(&event, "data.user.rowId"), &json!(1), "{event}");
    assert_eq!(ws.next().await["type"], "complete");

    // Two operations at once at most (the setting): the third is refused.
    for id in ["one", "two"] {
        ws.subscribe(
            id,
            PROFILE_CHANGED,
            json!({ "u": "User:1", "current": true }),
        )
        .await;
        ws.event(id).await;
    }
    ws.subscribe("three", PROFILE_CHANGED, json!({ "u": "User:1" }))
        .await;
    let event = ws.event("three").await;
    assert_eq!(
        at(&event, "errors.0.extensions.code"),
        &json!("LIMIT_EXCEEDED"),
        "{event}"
    );
    assert_eq!(ws.next().await["type"], "complete");
    // Completing one frees its place.
    ws.send(json!({ "id": "one", "type": "complete" })).await;
    let done = ws.next().await;
    assert_eq!(
        (&done["type"], &done["id"]),
        (&json!("complete"), &json!("one"))
    );
    ws.subscribe(
        "four",
        PROFILE_CHANGED,
        json!({ "u": "User:1", "current": true }),
    )
    .await;
    let event = ws.event("four").await;
    assert!(event.get("errors").is_none(), "{event}");
    ws.close().await;

    // A subscription over GET is refused (400, not 405: POST will not run
    // it either): it needs the socket.
    let resp = app
        .client
        .get(format!("{}/graphql", app.url))
        .query(&[(
            "query",
            "subscription { userProfileChanged(userId: 1) { user { id } } }",
        )])
        .header("graphql-require-preflight", "1")
        .send()
        .await
        .expect("GET");
    assert_eq!(resp.status().as_u16(), 400);
    app
}
